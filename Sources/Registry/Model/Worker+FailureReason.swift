import Foundation

extension Worker {
    /// How many of a worker's newest errors are read to find the one that ended its run.
    public static let endingErrorWindow = 20

    /// The error that ended this worker's run among `errors` (its newest, newest first): the newest since the run
    /// started, an `aborted` one first; `nil` when the run reported none.
    public func endingError(among errors: [HistoryEntry]) -> HistoryEntry? {
        let thisRun = errors.filter { $0.at >= runStartedAt }
        return thisRun.first { $0.action == "aborted" } ?? thisRun.first
    }

    /// Why a failed run failed, as the status page and `wokmanager workers` show it: `exit 3: <the error that
    /// ended it>`, either part alone when the other is missing; `nil` when both are.
    public func failureReason(endingError error: HistoryEntry?) -> String? {
        let exit = exitCode.flatMap { $0 == 0 ? nil : "exit \($0)" }
        let parts = [exit, error?.message].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ": ")
    }
}
