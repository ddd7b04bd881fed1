import Logging
import PostgresNIO
import Registry
import ServiceLifecycle
import Synchronization

/// Makes one replica at a time the one that runs periodic work (lost-worker sweep, retention).
///
/// A service: until graceful shutdown it tries every second to take a session advisory lock, and once
/// it has it, keeps it on one pooled connection, checking that connection every second. When that
/// replica stops, dies or loses its connection, PostgreSQL releases the lock and another replica's
/// next try takes it over. The lock is the schema's: deployments in two schemas of one database each have their
/// own lease (and their own notifications to send).
final class PostgresMaintenanceLease: Service {
    /// The advisory lock's first key; the second is the hash of the schema in use.
    static let lockSpace: Int32 = 0x776F_6B6D
    static let lockKeys = "\(lockSpace), hashtext(current_schema())"

    private let client: PostgresClient
    private let logger: Logger
    private let held = Atomic(false)

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// `true` while this replica holds the lease.
    var isHeld: Bool { held.load(ordering: .relaxed) }

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.holdWhilePossible()
                } catch {
                    self.logger.info("the periodic clean-up lease was lost or not taken", metadata: ["error": "\(String(describing: error))"])
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Takes the lock if it is free and holds it until cancelled or until the connection fails.
    private func holdWhilePossible() async throws {
        try await client.withConnection { connection in
            let acquired = try await connection.query("SELECT pg_try_advisory_lock(\(unescaped: Self.lockKeys))", logger: logger)
                .decode(Bool.self).reduce(false) { $0 || $1 }
            guard acquired else { return }
            held.store(true, ordering: .relaxed)
            defer { held.store(false, ordering: .relaxed) }
            logger.info("this replica now runs the periodic clean-up")
            // A query written to a connection that has closed never answers (postgres-nio drops it), so
            // each one is asked only of a connection still open; a closed one has lost the lock anyway.
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                guard !connection.isClosed else { throw StoreError.unavailable("the lease's connection closed") }
                try await connection.query("SELECT 1", logger: logger)
            }
            if !connection.isClosed {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(unescaped: Self.lockKeys))", logger: logger)
            }
        }
    }
}
