import Foundation

extension SQLStore {
    public func createSession(id: String, value: String, expires: Date?) async throws -> Bool {
        let statement = SessionSQL(dialect: database.dialect).create(id: id, value: value, expires: expires)
        return try await database.write { connection in try await connection.count(statement) == 1 }
    }

    public func setSession(id: String, value: String, expires: Date?) async throws {
        let statement = SessionSQL(dialect: database.dialect).set(id: id, value: value, expires: expires)
        try await database.write { connection in try await connection.run(statement) }
    }

    public func session(id: String, now: Date) async throws -> StoredSession? {
        let statement = SessionSQL(dialect: database.dialect).session(id: id, now: now)
        return try await database.read { connection in
            try await connection.rows(statement) { StoredSession(value: try $0.text("value"), expires: try $0.optionalDate("expires_at")) }.first
        }
    }

    public func removeSession(id: String) async throws {
        let statement = SessionSQL(dialect: database.dialect).remove(id: id)
        try await database.write { connection in try await connection.run(statement) }
    }
}
