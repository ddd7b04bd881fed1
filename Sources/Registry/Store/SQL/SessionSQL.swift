import Foundation

/// The statements of ``SQLStore``'s sessions.
struct SessionSQL: Sendable {
    let dialect: SQLDialect

    func create(id: String, value: String, expires: Date?) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement("INSERT INTO sessions (id, value, expires_at) VALUES (\(p(1)), \(p(2)), \(p(3))) ON CONFLICT (id) DO NOTHING",
                            [.text(id), .text(value), .real(expires?.timeIntervalSince1970)])
    }

    /// With an expiry, stores the session; without one, changes only a session still there (one signed out
    /// meanwhile stays out).
    func set(id: String, value: String, expires: Date?) -> SQLStatement {
        let p = dialect.placeholder
        guard expires != nil else {
            return SQLStatement("UPDATE sessions SET value = \(p(1)) WHERE id = \(p(2))", [.text(value), .text(id)])
        }
        return SQLStatement(
            "INSERT INTO sessions (id, value, expires_at) VALUES (\(p(1)), \(p(2)), \(p(3))) "
                + "ON CONFLICT (id) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
            [.text(id), .text(value), .real(expires?.timeIntervalSince1970)])
    }

    func session(id: String, now: Date) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement("SELECT value, expires_at FROM sessions WHERE id = \(p(1)) AND (expires_at IS NULL OR expires_at > \(p(2)))",
                            [.text(id), .real(now.timeIntervalSince1970)])
    }

    func remove(id: String) -> SQLStatement {
        SQLStatement("DELETE FROM sessions WHERE id = \(dialect.placeholder(1))", [.text(id)])
    }

    func pruneExpired(at now: Date) -> SQLStatement {
        SQLStatement("DELETE FROM sessions WHERE expires_at <= \(dialect.placeholder(1))", [.real(now.timeIntervalSince1970)])
    }
}
