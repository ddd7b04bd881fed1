import Foundation

/// A time series of one tree node, cut into intervals of `step` seconds from `from` up to `to`.
public struct SeriesQuery: Sendable, Equatable {
    /// A group path, or `""` for the whole tree.
    public var node: String
    public var from: Date
    public var to: Date
    /// Seconds per interval, a multiple of the resolution's.
    public var step: TimeInterval

    /// The most intervals one series answers.
    public static let maxPoints = 1_500

    /// Creates a query.
    public init(node: String, from: Date, to: Date, step: TimeInterval) {
        self.node = node
        self.from = from
        self.to = to
        self.step = step
    }

    /// The last hour, day or week up to `now`, in steps that draw well (60 or so intervals).
    public static func last(_ span: SeriesSpan, node: String, now: Date) -> SeriesQuery {
        SeriesQuery(node: node, from: now.addingTimeInterval(-span.seconds), to: now, step: span.step)
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
