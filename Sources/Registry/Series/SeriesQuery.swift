import Foundation

/// A time series of one tree node, cut into intervals of `step` seconds from `from` up to `to`, read from
/// samples of `resolution`.
public struct SeriesQuery: Sendable, Equatable {
    /// A group path, or `""` for the whole tree.
    public var node: String
    public var from: Date
    public var to: Date
    /// Seconds per interval, a multiple of the resolution's.
    public var step: TimeInterval
    /// The samples read.
    public var resolution: SeriesResolution

    /// The most intervals one series answers.
    public static let maxPoints = 1_500

    /// Creates a query.
    public init(node: String, from: Date, to: Date, step: TimeInterval, resolution: SeriesResolution) {
        self.node = node
        self.from = from
        self.to = to
        self.step = step
        self.resolution = resolution
    }

    /// The last hour, day or week up to `now`, in steps that draw well (60 or so intervals).
    public static func last(_ span: SeriesSpan, node: String, now: Date) -> SeriesQuery {
        let from = now.addingTimeInterval(-span.seconds)
        return SeriesQuery(node: node, from: from, to: now, step: span.step, resolution: .answering(from: from, now: now))
    }

    /// The first interval's start: `from` rounded down to a multiple of `step`, so a chart drawn twice a
    /// minute apart keeps its bars.
    public var firstStart: Date {
        Date(timeIntervalSince1970: (from.timeIntervalSince1970 / step).rounded(.down) * step)
    }

    /// How many intervals the series has, from ``firstStart`` up to `to`.
    public var intervalCount: Int {
        Int((to.timeIntervalSince(firstStart) / step).rounded(.up))
    }
}

/// The spans the page draws.
public enum SeriesSpan: String, Sendable, CaseIterable {
    case hour, day, week

    /// The span's length in seconds.
    public var seconds: TimeInterval {
        switch self {
        case .hour: 3600
        case .day: 86_400
        case .week: 7 * 86_400
        }
    }

    /// Seconds per interval: a minute, half an hour, three hours.
    public var step: TimeInterval {
        switch self {
        case .hour: 60
        case .day: 1800
        case .week: 3 * 3600
        }
    }
}
