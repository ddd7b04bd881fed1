import Foundation
import Logging
import PostgresNIO
import Registry
import ServiceLifecycle

/// The database for several replicas: every replica reads and writes one PostgreSQL database.
///
/// Each replica answers from the database, so any replica shows the same, current state; liveness is
/// derived from stored last-seen times, so it needs no coordination. Writers of the same workers
/// serialise through the advisory locks the PostgreSQL dialect takes. Periodic work runs on the replica
/// holding ``PostgresMaintenanceLease``. The connection pool and the lease are services: they run in
/// the application's service group (``services``), and stop after the registry has written what it holds.
public final class PostgresDatabase: SQLDatabase {
    public let dialect = SQLDialect.postgres
    private let client: PostgresClient
    private let lease: PostgresMaintenanceLease
    private let logger: Logger

    private init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        self.lease = PostgresMaintenanceLease(client: client, logger: logger)
    }

    /// Applies pending migrations (one replica at a time) over a connection of its own, and returns the
    /// database; its pool starts with ``services``.
    public static func open(settings: PostgresSettings, logger: Logger) async throws -> PostgresDatabase {
        do {
            // Not under the operation timeout: a replica may wait here for another one's migration.
            let connection = try await PostgresConnection.connect(configuration: settings.connection, id: 0, logger: logger)
            do {
                try await PostgresMigrations.migrate(connection, logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
            try await connection.close()
        } catch {
            throw storeError(error)
        }
        return PostgresDatabase(client: PostgresClient(configuration: settings.client, backgroundLogger: logger), logger: logger)
    }

    /// In one transaction; retried (up to 3 times) when it lost a deadlock or serialisation race with another replica.
    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        let (client, logger) = (client, logger)
        var attempt = 0
        while true {
            do {
                return try await bounded {
                    try await client.withTransaction(logger: logger) { connection in
                        try await body(Connection(connection: connection, logger: logger))
                    }
                }
            } catch let error as StoreError where error.isConflict && attempt < 3 {
                attempt += 1
                logger.debug("retrying a transaction after a conflict", metadata: ["error": "\(error.message)"])
            }
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        let (client, logger) = (client, logger)
        return try await bounded {
            try await client.withConnection { connection in
                try await body(Connection(connection: connection, logger: logger))
            }
        }
    }

    public func holdsMaintenanceLease() async -> Bool {
        lease.isHeld
    }

    /// The connection pool, then the lease that uses it (so the lease stops first).
    public var services: [any Service] { [client, lease] }

    /// Nothing to release here: the pool and the lease stop with the service group.
    public func close() async throws {}

    // MARK: - Bounding an operation

    /// How long one operation may wait for the database before the client is told to retry (503).
    static let operationTimeout = Duration.seconds(5)

    /// Runs one database operation, bounded by ``operationTimeout``, mapping PostgreSQL failures to
    /// ``StoreError``: a lost connection is `unavailable` (503, retry), a full disk `storageFull` (507).
    ///
    /// `body` runs in a task of its own, cancelled at the deadline, not as a child task: a child would
    /// be awaited, and postgres-nio cannot cancel a query already sent (after a database restart, one
    /// such query was seen never to end). One stuck operation would then hold its request, the group
    /// commit queued behind it and the shutdown. The deadline itself is a child task.
    private func bounded<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let (outcome, report) = AsyncStream<Result<T, any Error>>.makeStream()
        let work = Task {
            do {
                report.yield(.success(try await body()))
            } catch {
                report.yield(.failure(error))
            }
        }
        defer { work.cancel() }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                guard (try? await Task.sleep(for: Self.operationTimeout)) != nil else { return }
                report.yield(.failure(StoreError.unavailable(
                    "the database did not answer within \(Self.operationTimeout); the write may or may not have been stored")))
            }
            defer { group.cancelAll() }
            for await result in outcome {
                do {
                    return try result.get()
                } catch {
                    throw Self.storeError(error)
                }
            }
            // The stream ends early only when this task is cancelled (a graceful shutdown).
            throw CancellationError()
        }
    }

    /// The registry's view of a failure from postgres-nio; an error the store's code threw inside a transaction stays as it is.
    static func storeError(_ error: any Error) -> any Error {
        if let error = error as? StoreError { return error }
        if let transaction = error as? PostgresTransactionError {
            if let commit = transaction.commitError {
                return StoreError.unavailable("the commit's outcome is unknown (\(storeError(commit))); retry the request")
            }
            // What the store's own code threw inside the transaction (a rule's refusal, a bad column) is its to report.
            if let thrown = transaction.closureError, !(thrown is PSQLError), !(thrown is CancellationError) { return thrown }
            return storeError(transaction.beginError ?? transaction.closureError ?? transaction.rollbackError ?? CancellationError())
        }
        guard let error = error as? PSQLError else {
            return StoreError.unavailable("the database cannot be reached: \(String(describing: error))")
        }
        let state = error.serverInfo?[.sqlState] ?? ""
        let message = error.serverInfo?[.message] ?? "\(error.code)"
        switch state {
        case "40001", "40P01": return StoreError.conflict(message)
        case "53100": return StoreError.storageFull("the database disk is full: \(message)")
        case _ where state.hasPrefix("53") || state.hasPrefix("57") || state.hasPrefix("08"):
            return StoreError.unavailable("the database is unavailable: \(message)")
        case "": return StoreError.unavailable("the database cannot be reached: \(error.code)")
        default: return StoreError.failed("database error \(state): \(message)")
        }
    }
}
