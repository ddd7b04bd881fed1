import Foundation

/// When a group or worker is expected to start its runs: at the fire times of a cron expression in a
/// time zone, or a fixed interval after each start.
///
/// ``verdict(lastStart:since:grace:now:)`` judges a job by the start time of its newest run alone:
/// - `every(s)`: the next run is expected `s` after the later of the newest start and `since`.
///   With `every 1h`, declared at 08:00 and a run at 09:10, the next start is expected at 10:10.
/// - `cron`: a run covers every fire time up to its start plus the grace, so a run that starts a little
///   early (within the grace) counts for the fire time it anticipates, and a late run for the ones before
///   it. The expected start is the first fire time after both `since` and the newest start plus the grace.
///   With `0 2 * * *`, a grace of 10 minutes and a run at 01:55, today's 02:00 is covered and tomorrow's
///   02:00 is expected; a run at 01:45 covers nothing after 01:55, so today's 02:00 is still expected.
///
/// The job is *late* once the expected start is more than the grace past, and *missed* once, late,
/// the expected start after that one has come as well. Times before `since` are never expected.
public enum Schedule: Sendable, Equatable, CustomStringConvertible {
    /// The fire times of a cron expression, read in a time zone.
    case cron(CronExpression, TimeZone)
    /// One run every `seconds` after the previous one started.
    case every(seconds: Double)

    /// The start expected after one at `lastStart`: `lastStart` plus the interval, or the next fire time
    /// after it; `nil` when there is none (an interval that is not a positive number, or a cron expression
    /// that fires in none of the next five years).
    public func expectedStart(after lastStart: Date) -> Date? {
        switch self {
        case .cron(let expression, let timeZone):
            expression.next(after: lastStart, in: timeZone)
        case .every(let seconds):
            seconds > 0 && seconds.isFinite ? lastStart.addingTimeInterval(seconds) : nil
        }
    }

    /// The first expected start that no run has covered yet, given the newest run's start (`nil` if none),
    /// when the expectation was declared and the grace in seconds; the rules are in ``Schedule``.
    public func awaitedStart(lastStart: Date?, since: Date, grace: Double) -> Date? {
        switch self {
        case .cron:
            expectedStart(after: max(since, lastStart?.addingTimeInterval(grace) ?? since))
        case .every:
            expectedStart(after: max(since, lastStart ?? since))
        }
    }

    /// Whether, at `now`, the job is on time, late or has missed a run, given the newest run's start
    /// (`nil` if it never ran), when the expectation was declared and the grace in seconds.
    public func verdict(lastStart: Date?, since: Date, grace: Double, now: Date) -> ScheduleVerdict {
        guard let expected = awaitedStart(lastStart: lastStart, since: since, grace: grace),
            now > expected.addingTimeInterval(grace)
        else { return .onTime }
        if let following = expectedStart(after: expected), now >= following {
            return .missed(expectedAt: expected, nextExpectedAt: following)
        }
        return .late(expectedAt: expected)
    }

    /// The schedule for people: `every 15m`, `0 2 * * * Europe/Paris`.
    public var description: String {
        switch self {
        case .cron(let expression, let timeZone): "\(expression.text) \(timeZone.name)"
        case .every(let seconds): "every \(Self.duration(seconds))"
        }
    }

    /// `1d`, `1h30m`, `45s`; a fractional or odd interval as plain seconds (`0.5s`).
    private static func duration(_ seconds: Double) -> String {
        guard seconds >= 1, seconds < 1e15, seconds.rounded() == seconds else { return "\(seconds)s" }
        var rest = Int(seconds)
        var text = ""
        for (unit, suffix) in [(86_400, "d"), (3600, "h"), (60, "m"), (1, "s")] where rest >= unit {
            text += "\(rest / unit)\(suffix)"
            rest %= unit
        }
        return text
    }
}

extension TimeZone {
    /// The zone's IANA name as people write it: Foundation on Linux names `UTC` `GMT`, which reads as another zone.
    public var name: String { identifier == "GMT" ? "UTC" : identifier }
}
