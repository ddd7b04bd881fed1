import Foundation

/// What a ``Schedule`` says about a job at a given time: whether a run that should have started has not.
public enum ScheduleVerdict: Sendable, Equatable {
    /// No expected start is overdue.
    case onTime
    /// The start expected at `expectedAt` has not happened, and its grace is over.
    case late(expectedAt: Date)
    /// Late, and the expected start after that one, at `nextExpectedAt`, has come too without a run.
    case missed(expectedAt: Date, nextExpectedAt: Date)
}
