/// Where a worker stands, as people and alerts see it.
public enum WorkerStatus: String, Codable, CaseIterable, Sendable, Comparable {
    /// Reported `started` (or any sign of life) and has not outlived its TTL.
    case running
    /// Had a TTL and sent nothing for that long: probably crashed or hung.
    case lost
    /// Reported `stopped` with a zero (or no) exit code.
    case stopped
    /// Stopped with a non-zero exit code, or reported an error with action `aborted`.
    case failed

    /// How much a status needs attention; higher is worse. A tree node shows its worst status.
    public var severity: Int {
        switch self {
        case .stopped: 0
        case .running: 1
        case .lost: 2
        case .failed: 3
        }
    }

    public static func < (lhs: WorkerStatus, rhs: WorkerStatus) -> Bool {
        lhs.severity < rhs.severity
    }
}
