/// The lifecycle events a worker can report.
public enum EventKind: String, Codable, CaseIterable, Sendable {
    /// The worker began a run.
    case started
    /// The worker is alive; updates last-seen without adding to the history.
    case heartbeat
    /// A status text (`message`) from the worker.
    case message
    /// An error (`message` plus `action`); action `aborted` marks the worker failed.
    case error
    /// The worker ended a run; a non-zero `exit_code` marks it failed.
    case stopped

    /// The names accepted on the wire, for error messages.
    public static let allNames = allCases.map(\.rawValue).joined(separator: ", ")
}

/// What a worker did about an error it reports. Free text on the wire; these are the usual ones.
public enum ErrorAction {
    /// The action that ends the worker's run as failed.
    public static let aborted = "aborted"
}
