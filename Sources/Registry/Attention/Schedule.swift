import Foundation

// PLACEHOLDER until the schedule branch (wip-cron) merges: the API only, evaluating nothing.

public struct ScheduleError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

public struct CronExpression: Sendable, Equatable {
    public var text: String
    public init(parsing text: String) throws(ScheduleError) { self.text = text }
    public func next(after date: Date, in timeZone: TimeZone) -> Date? { nil }
    public func previous(atOrBefore date: Date, in timeZone: TimeZone) -> Date? { nil }
}

public enum ScheduleVerdict: Sendable, Equatable {
    case onTime
    case late(expectedAt: Date)
    case missed(expectedAt: Date, nextExpectedAt: Date)
}

public enum Schedule: Sendable, Equatable, CustomStringConvertible {
    case cron(CronExpression, TimeZone)
    case every(seconds: Double)
    public func verdict(lastStart: Date?, since: Date, grace: Double, now: Date) -> ScheduleVerdict { .onTime }
    public var description: String { "" }
}
