import Foundation

/// The two resolutions samples are kept at: one a minute for the last 48 hours, and one an hour (the last
/// minute of each hour) for as long as history is kept.
public enum SeriesResolution: Int, Sendable, CaseIterable {
    case minute = 60
    case hour = 3600

    /// How long samples of a minute are kept.
    public static let minutesKept: TimeInterval = 48 * 3600

    /// Seconds between two samples.
    public var seconds: TimeInterval { TimeInterval(rawValue) }

    /// The start of the interval holding `date`.
    public func start(of date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / seconds).rounded(.down) * seconds)
    }

    /// The resolution that answers a series from `from` in steps of `step` seconds, at `now`: minutes while
    /// they are kept and the step is shorter than an hour.
    public static func answering(from: Date, step: TimeInterval, now: Date) -> SeriesResolution {
        step < hour.seconds && from >= now.addingTimeInterval(-minutesKept) ? .minute : .hour
    }
}
