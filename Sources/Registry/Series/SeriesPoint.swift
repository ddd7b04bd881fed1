import Foundation

/// One interval of a tree node's time series: its running and stopped workers at the interval's end, its
/// lost and failed ones at their highest in it (trouble between two samples still shows), and the events and
/// errors received during it.
public struct SeriesPoint: Sendable, Equatable, Codable {
    /// The start of the interval.
    public var at: Date
    /// Workers by status: running and stopped at the interval's last sample, lost and failed at their highest.
    public var counts: StatusCounts
    /// Events received in the interval (heartbeats included).
    public var events: Int
    /// Errors reported in the interval.
    public var errors: Int

    /// Creates a point.
    public init(at: Date, counts: StatusCounts, events: Int, errors: Int) {
        self.at = at
        self.counts = counts
        self.events = events
        self.errors = errors
    }

    private enum CodingKeys: String, CodingKey {
        case at, running, lost, failed, stopped, events, errors
    }

    /// Decodes the flat form ``encode(to:)`` writes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        at = try container.decode(Date.self, forKey: .at)
        counts = StatusCounts()
        counts.running = try container.decode(Int.self, forKey: .running)
        counts.lost = try container.decode(Int.self, forKey: .lost)
        counts.failed = try container.decode(Int.self, forKey: .failed)
        counts.stopped = try container.decode(Int.self, forKey: .stopped)
        events = try container.decode(Int.self, forKey: .events)
        errors = try container.decode(Int.self, forKey: .errors)
    }

    /// Writes one flat object: `at`, the four counts, `events` and `errors`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(at, forKey: .at)
        try container.encode(counts.running, forKey: .running)
        try container.encode(counts.lost, forKey: .lost)
        try container.encode(counts.failed, forKey: .failed)
        try container.encode(counts.stopped, forKey: .stopped)
        try container.encode(events, forKey: .events)
        try container.encode(errors, forKey: .errors)
    }
}

/// What a sample stores for one tree node at one time: its workers by status, and its events and errors
/// so far. Totals, not increments, so that an interval's events are exact whichever samples are kept.
public struct SeriesSample: Sendable, Equatable {
    /// The tree node: a group path, or `""` for the whole tree.
    public var node: String
    /// The start of the minute (or, for a downsampled sample, the hour) it stands for.
    public var at: Date
    public var counts: StatusCounts
    /// Events received so far by the node's groups.
    public var eventsTotal: Int
    /// Errors reported so far by the node's groups.
    public var errorsTotal: Int

    /// The counts an interval takes at their highest rather than at its end (each stored in the column of its name).
    static let peakStatuses: [WorkerStatus] = [.lost, .failed]

    /// Creates a sample.
    public init(node: String, at: Date, counts: StatusCounts, eventsTotal: Int, errorsTotal: Int) {
        self.node = node
        self.at = at
        self.counts = counts
        self.eventsTotal = eventsTotal
        self.errorsTotal = errorsTotal
    }
}
