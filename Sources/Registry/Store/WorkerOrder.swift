/// How a listing of workers is ordered: by one column, ascending or descending, ties broken by id.
public struct WorkerOrder: Sendable, Equatable {
    /// The columns a listing sorts by, as a URL names them.
    public enum Key: String, Sendable, CaseIterable {
        case id
        case group
        /// By severity: failed, lost, running, stopped; then the most recently seen first.
        case status
        case lastSeen = "last_seen"
        /// How long a running worker has run; workers not running come last.
        case uptime
        case host
        case version
        case errors
    }

    public var key: Key
    public var descending: Bool

    /// Creates an order.
    public init(key: Key, descending: Bool = false) {
        self.key = key
        self.descending = descending
    }

    /// By id, the order cursors page through.
    public static let byID = WorkerOrder(key: .id)
    /// What needs someone first: the most severe status, then the most recently seen.
    public static let bySeverity = WorkerOrder(key: .status)
}
