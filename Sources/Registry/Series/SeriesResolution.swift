import Foundation

/// The two resolutions samples are kept at: one a minute for the last 48 hours, and one an hour (the hour's
/// last minute, with its highest lost and failed counts) for as long as history is kept.
public enum SeriesResolution: Int, Sendable, CaseIterable {
    case minute = 60
    case hour = 3600

    /// How far back samples of a minute answer a series.
    public static let minutesKept: TimeInterval = 48 * 3600
    /// How long they are kept: an hour more, so that the first interval of a series has a sample before it
    /// to count its events and errors from.
    public static let minutesPrunedAfter: TimeInterval = minutesKept + 3600

    /// Seconds between two samples.
    public var seconds: TimeInterval { TimeInterval(rawValue) }

    /// The start of the interval holding `date`.
    public func start(of date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / seconds).rounded(.down) * seconds)
    }

    /// The resolution that answers a series from `from` at `now`: minutes while they are kept, hours before.
    public static func answering(from: Date, now: Date) -> SeriesResolution {
        from >= now.addingTimeInterval(-minutesKept) ? .minute : .hour
    }
}
