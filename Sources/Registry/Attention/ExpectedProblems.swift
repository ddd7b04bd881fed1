import Foundation

/// The problems expectations call for right now, from what the store counted: the rules of `degraded`,
/// `down`, `late`, `missed` and `overrun`. Pure, so the sweep's decisions can be tested with any clock.
enum ExpectedProblems {
    /// The kinds these rules open and resolve; the others follow runs (``RunProblems``) and liveness.
    static let kinds: Set<ProblemKind> = [.degraded, .down, .late, .missed, .overrun]

    /// `down` when none of an expected minimum runs, `degraded` when fewer run (or more than the maximum).
    static func forRunning(_ expectation: Expectation, running: Int, group: String, now: Date) -> Problem? {
        let subject = expectation.subject
        if let minimum = expectation.minRunning, running < minimum {
            let kind: ProblemKind = running == 0 ? .down : .degraded
            let detail = running == 0 ? "none running, at least \(minimum) expected" : "\(running) running, at least \(minimum) expected"
            return Problem(kind: kind, subject: subject, group: group, openedAt: now, detail: detail)
        }
        if let maximum = expectation.maxRunning, running > maximum {
            return Problem(kind: .degraded, subject: subject, group: group, openedAt: now, detail: "\(running) running, at most \(maximum) expected")
        }
        return nil
    }

    /// `late` once the expected start plus grace passed without a run; `missed` too once the next expected start came.
    static func forSchedule(_ expectation: Expectation, lastStart: Date?, group: String, now: Date) -> [Problem] {
        guard let schedule = expectation.schedule else { return [] }
        let grace = DurationText.text(seconds: expectation.grace)
        switch schedule.verdict(lastStart: lastStart, since: expectation.since, grace: expectation.grace, now: now) {
        case .onTime:
            return []
        case .late(let expectedAt):
            return [Problem(kind: .late, subject: expectation.subject, group: group, openedAt: now,
                            detail: "no run started by \(RFC3339.format(expectedAt)) plus \(grace) grace (\(schedule))")]
        case .missed(let expectedAt, let nextExpectedAt):
            return [
                Problem(kind: .late, subject: expectation.subject, group: group, openedAt: now,
                        detail: "no run started by \(RFC3339.format(expectedAt)) plus \(grace) grace (\(schedule))"),
                Problem(kind: .missed, subject: expectation.subject, group: group, openedAt: now,
                        detail: "no run for the start expected at \(RFC3339.format(expectedAt)), and the next one (\(RFC3339.format(nextExpectedAt))) came too"),
            ]
        }
    }

    /// `overrun` for a run that started at `runStartedAt` and is still going past the nearest `max_runtime`.
    static func forRuntime(worker id: String, group: String, runStartedAt: Date, maxRuntime: Double, now: Date) -> Problem? {
        guard now.timeIntervalSince(runStartedAt) > maxRuntime else { return nil }
        return Problem(kind: .overrun, subject: .worker(id), group: group, openedAt: now,
                       detail: "running since \(RFC3339.format(runStartedAt)), longer than max_runtime \(DurationText.text(seconds: maxRuntime))")
    }

    /// Why a problem these rules opened is no longer called for.
    static func resolution(of kind: ProblemKind) -> String {
        switch kind {
        case .degraded, .down: "the running count is as expected"
        case .late, .missed: "a run started"
        case .overrun: "the run ended"
        default: "the cause went"
        }
    }
}
