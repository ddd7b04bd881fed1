import Foundation

/// What a worker's state change does to its problems: the one place these rules live.
///
/// - `lost` resolves when the worker shows any sign of life.
/// - `failed` opens when a run fails (once the expectation's `failures` threshold is reached, when one is
///   set) and resolves when a later run succeeds (stops cleanly), or, for a worker with no schedule (a
///   long-running consumer restarted under the same id), when a later run starts.
/// - `overrun` resolves when the run ends or a new one starts.
/// - `late` and `missed` resolve when a run starts: the worker's own, or one at or below the group whose schedule it was.
struct RunProblems: Equatable {
    /// The problem to open, if any.
    var open: Problem?
    /// Kinds of the worker's open problems to resolve, and why.
    var resolveKinds: Set<ProblemKind> = []
    var resolution: String = ""
    /// `true` when a new run started: the schedules of the worker and of its groups are met.
    var startsRun = false

    /// `nil` when nothing changed that problems care about (a heartbeat of a running worker, a message).
    static func of(
        _ transition: WorkerTransition, before: Worker?, event: WorkerEvent, now: Date, failureRule: FailureRule
    ) -> RunProblems? {
        let after = transition.worker
        guard transition.entries.contains(where: { $0.status != nil }) else { return nil }
        var changes = RunProblems()
        switch after.status {
        case .running:
            let startsRun = before == nil || before?.runStartedAt != after.runStartedAt
            changes.startsRun = startsRun
            changes.resolveKinds = [.lost]
            if startsRun {
                changes.resolveKinds.insert(.overrun)
                if !failureRule.hasSchedule { changes.resolveKinds.insert(.failed) }
            }
            changes.resolution = startsRun ? "a new run started" : "running again"
        case .stopped:
            changes.resolveKinds = [.lost, .failed, .overrun]
            changes.resolution = "a run stopped cleanly"
        case .failed:
            changes.resolveKinds = [.lost, .overrun]
            changes.resolution = "the worker reported its run failed"
            if failureRule.opensProblem {
                changes.open = Problem(kind: .failed, subject: .worker(after.id), group: after.group, openedAt: now, detail: failureDetail(event))
            }
        case .lost:
            return nil
        }
        return changes
    }

    /// What a failed run says about itself: its message, the action taken (those of the error that ended the run
    /// when the stop has none), its exit code.
    static func failureDetail(_ event: WorkerEvent, endingError: HistoryEntry? = nil) -> String {
        var parts: [String] = []
        if let message = event.message ?? endingError?.message { parts.append(message) }
        if let action = event.message == nil ? endingError?.action : event.action { parts.append("action: \(action)") }
        if let code = event.exitCode { parts.append("exit code \(code)") }
        return parts.isEmpty ? "the run failed" : parts.joined(separator: "; ")
    }
}

/// How a worker's failures are judged, from the expectations that cover it.
struct FailureRule: Equatable {
    /// The rule of a worker no expectation covers: every failure is a problem, a start resolves it.
    static let unexpected = FailureRule(opensProblem: true, hasSchedule: false)

    /// `true` when the rule of `worker` matters for a change to `after`: a failure, or a failed worker starting again.
    static func matters(before: Worker?, after: Worker) -> Bool {
        after.status == .failed || (after.status == .running && before?.status == .failed)
    }

    /// `true` when a `failed` problem opens for this failure.
    var opensProblem: Bool
    /// `true` when the worker (or a group above it) has a schedule: a start alone does not resolve its failure.
    var hasSchedule: Bool
}
