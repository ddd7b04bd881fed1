import Foundation

/// What the registry holds, as Prometheus sees it at one scrape.
public struct MetricsSnapshot: Sendable, Equatable {
    /// Workers per group and status, as shown now.
    public var groupCounts: [GroupCount]
    /// Every group still retained, with or without workers, so a group that lost its last worker reports zeros.
    public var groups: [String]
    /// Events received per event name, over the store's whole life.
    public var eventTotals: [String: Int]
    /// Errors reported per group, over the group's retained life.
    public var errorTotals: [String: Int]
    /// Each worker's last-seen time, when per-worker series were asked for.
    public var workers: [WorkerLastSeen]
    /// Open problems per group and kind.
    public var problems: [ProblemCount]
    /// Every expectation, for the expected counts.
    public var expectations: [Expectation]
    /// The gauges of running workers per group and name.
    public var groupGauges: [GroupGauge]
    /// The counters per group and name.
    public var groupCounters: [GroupNumber]
    /// Each running worker's numbers, when per-worker series were asked for.
    public var workerNumbers: [WorkerNumbers]
    /// The families running workers pushed, by name.
    public var pushed: [ExposedFamily]
    /// The time ``groupCounts`` were judged at.
    public var countedAt: Date?

    /// Creates a snapshot.
    public init(
        groupCounts: [GroupCount], groups: [String], eventTotals: [String: Int], errorTotals: [String: Int], workers: [WorkerLastSeen] = [],
        problems: [ProblemCount] = [], expectations: [Expectation] = [], groupGauges: [GroupGauge] = [], groupCounters: [GroupNumber] = [],
        workerNumbers: [WorkerNumbers] = [], pushed: [ExposedFamily] = [], countedAt: Date? = nil
    ) {
        self.groupCounts = groupCounts
        self.groups = groups
        self.eventTotals = eventTotals
        self.errorTotals = errorTotals
        self.workers = workers
        self.problems = problems
        self.expectations = expectations
        self.groupGauges = groupGauges
        self.groupCounters = groupCounters
        self.workerNumbers = workerNumbers
        self.pushed = pushed
        self.countedAt = countedAt
    }
}

extension MetricsSnapshot {
    /// A snapshot from stored rows: `counters` holds (`events` or `errors`, label, value) triples.
    init(
        counts: CountsSnapshot, counters: [(String, String, Int)], workers: [WorkerLastSeen], problems: [ProblemCount],
        expectations: [Expectation], groupGauges: [GroupGauge], groupCounters: [GroupNumber], workerNumbers: [WorkerNumbers], pushed: [ExposedFamily]
    ) {
        self.init(
            groupCounts: counts.counts, groups: counts.groups,
            eventTotals: Dictionary(uniqueKeysWithValues: counters.filter { $0.0 == "events" }.map { ($0.1, $0.2) }),
            errorTotals: Dictionary(uniqueKeysWithValues: counters.filter { $0.0 == "errors" }.map { ($0.1, $0.2) }),
            workers: workers, problems: problems, expectations: expectations, groupGauges: groupGauges, groupCounters: groupCounters,
            workerNumbers: workerNumbers, pushed: pushed, countedAt: counts.countedAt)
    }
}

/// One worker's identity and the time it was last seen.
public struct WorkerLastSeen: Sendable, Equatable {
    public var id: String
    public var group: String
    public var lastSeen: Date

    /// Creates an entry.
    public init(id: String, group: String, lastSeen: Date) {
        self.id = id
        self.group = group
        self.lastSeen = lastSeen
    }
}

/// What one batch of events adds to the counters and the known groups; every store applies it the same way.
public struct BatchTally: Sendable {
    private(set) var events: [String: Int] = [:]
    private(set) var errors: [String: Int] = [:]
    /// Per group: when its newest event was received, and how many events it sent.
    private(set) var groups: [String: (newest: Date, events: Int)] = [:]

    init(_ batch: [WorkerEvent] = []) {
        for event in batch { add(event) }
    }

    var isEmpty: Bool { groups.isEmpty }

    mutating func add(_ event: WorkerEvent) {
        events[event.kind.rawValue, default: 0] += 1
        if event.kind == .error { errors[event.group, default: 0] += 1 }
        let group = groups[event.group] ?? (event.receivedAt, 0)
        groups[event.group] = (max(group.newest, event.receivedAt), group.events + 1)
    }

    /// Adds the events `other` counted.
    mutating func add(_ other: BatchTally) {
        events.merge(other.events, uniquingKeysWith: +)
        errors.merge(other.errors, uniquingKeysWith: +)
        groups.merge(other.groups) { (max($0.newest, $1.newest), $0.events + $1.events) }
    }
}
