/// A failure of the storage itself, as opposed to bad input.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Sendable, Equatable {
        case unavailable
        case storageFull
        case closed
        case conflict
        case failed
    }

    private let kind: Kind
    /// What happened, for logs and for the client's error message.
    public let message: String

    private init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The storage cannot be reached or is busy; retrying later may work.
    public static func unavailable(_ message: String) -> StoreError { StoreError(.unavailable, message) }
    /// The disk is full; writes fail until space returns, reads keep working.
    public static func storageFull(_ message: String) -> StoreError { StoreError(.storageFull, message) }
    /// The store was closed (the server is shutting down).
    public static let closed = StoreError(.closed, "the store is closed")
    /// The transaction lost a race with another writer (deadlock, serialisation); it can be retried at once.
    public static func conflict(_ message: String) -> StoreError { StoreError(.conflict, message) }
    /// Any other storage failure.
    public static func failed(_ message: String) -> StoreError { StoreError(.failed, message) }

    /// `true` when the disk is full.
    public var isStorageFull: Bool { kind == .storageFull }
    /// `true` for a lost race with another writer.
    public var isConflict: Bool { kind == .conflict }
    /// `true` when retrying later may succeed (unavailable, full or closing).
    public var isTransient: Bool { kind != .failed }

    public var description: String { message }

    /// The kind in one word, as `/metrics` labels it: `unavailable`, `full`, `closed`, `conflict` or `failed`.
    public var reason: String {
        switch kind {
        case .unavailable: "unavailable"
        case .storageFull: "full"
        case .closed: "closed"
        case .conflict: "conflict"
        case .failed: "failed"
        }
    }

    /// Every ``reason``, for series that start at zero.
    public static let reasons = ["unavailable", "full", "closed", "conflict", "failed"]

    /// A stored value that does not read as the column's type: the database holds what this version did not write.
    public static func badColumn(_ column: String, _ found: String, expected: String) -> StoreError {
        .failed("column '\(column)' holds \(found), expected \(expected)")
    }

    public static func == (lhs: StoreError, rhs: StoreError) -> Bool { lhs.kind == rhs.kind }
}
