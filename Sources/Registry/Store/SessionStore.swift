import Foundation

/// The status page's sign-in sessions, kept in the store: they survive a restart, and every replica sharing
/// a PostgreSQL store knows them. A session is an opaque id and a value the web module encodes.
public protocol SessionStore: Sendable {
    /// Stores a new session; `false` when `id` is taken.
    func createSession(id: String, value: String, expires: Date?) async throws -> Bool
    /// Replaces the value of `id`; with an expiry, adds it if missing; a `nil` expiry keeps the one it had, and
    /// changes nothing when `id` is gone.
    func setSession(id: String, value: String, expires: Date?) async throws
    /// The value of `id` and when it expires, unless it has expired at `now` or is unknown.
    func session(id: String, now: Date) async throws -> StoredSession?
    func removeSession(id: String) async throws
}

/// A session as stored.
public struct StoredSession: Sendable, Equatable {
    public var value: String
    public var expires: Date?

    /// Creates a stored session.
    public init(value: String, expires: Date?) {
        self.value = value
        self.expires = expires
    }
}
