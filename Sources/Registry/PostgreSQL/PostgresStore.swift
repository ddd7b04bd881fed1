import Foundation
import Logging
import PostgresNIO

/// The store for several replicas: every replica reads and writes one PostgreSQL database.
///
/// Each replica answers from the database, so any replica shows the same, current state; liveness is
/// derived from stored last-seen times, so it needs no coordination. Writes take per-worker advisory
/// locks in a fixed order inside one transaction per group commit, so replicas writing the same worker
/// serialise instead of overwriting each other. Periodic work runs on the replica holding
/// ``PostgresMaintenanceLease``. The store owns its `PostgresClient` and runs it until ``close()``.
public final class PostgresStore: WorkerStore {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    private let lease: PostgresMaintenanceLease
    private let sql = WorkerSQL(dialect: .postgres)

    private init(client: PostgresClient, runner: Task<Void, Never>, logger: Logger) {
        self.client = client
        self.runner = runner
        self.logger = logger
        self.lease = PostgresMaintenanceLease(client: client, logger: logger)
    }

    /// Connects, applies pending migrations (one replica at a time), and returns the store.
    public static func open(settings: PostgresSettings, logger: Logger) async throws -> PostgresStore {
        let client = PostgresClient(configuration: settings.client, backgroundLogger: logger)
        let runner = Task { await client.run() }
        let store = PostgresStore(client: client, runner: runner, logger: logger)
        do {
            // Not under the operation timeout: a replica may wait here for another one's migration.
            do {
                try await client.withConnection { try await PostgresMigrations.migrate($0, logger: logger) }
            } catch let error as StoreError {
                throw error
            } catch {
                throw storeError(error)
            }
            return store
        } catch {
            try? await store.close()
            throw error
        }
    }

    public func apply(_ events: [WorkerEvent], liveness: Liveness) async throws -> [EventOutcome] {
        let sql = sql
        let logger = logger
        return try await retryingConflicts {
            try await self.client.withTransaction(logger: logger) { connection in
                let ids = Array(Set(events.map(\.id)))
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(x) AS h FROM unnest(\(ids)::text[]) AS x) AS locks ORDER BY h",
                    logger: logger)
                var outcomes: [EventOutcome] = []
                for event in events {
                    let existing = try await Self.rows(connection, sql.selectWorkerForUpdate(id: event.id, lock: "FOR UPDATE"), logger) {
                        try WorkerSQL.worker(from: $0)
                    }.first
                    let transition = WorkerTransition.apply(event, to: existing, liveness: liveness)
                    try await Self.run(connection, sql.upsert(transition.worker), logger)
                    for entry in transition.entries {
                        try await Self.run(connection, sql.append(entry), logger)
                    }
                    outcomes.append(transition.outcome)
                }
                for statement in sql.record(BatchTally(events)) {
                    try await Self.run(connection, statement, logger)
                }
                return outcomes
            }
        }
    }

    public func workers(_ query: WorkerQuery, liveness: Liveness) async throws -> WorkerPage {
        let listing = try await rows(sql.workers(query, liveness: liveness)) { try WorkerSQL.worker(from: $0, liveStatusColumn: WorkerSQL.liveStatusColumn) }
        return WorkerPage(listing: listing, limit: query.limit)
    }

    public func worker(id: String, liveness: Liveness) async throws -> Worker? {
        try await rows(sql.worker(id: id, liveness: liveness)) { try WorkerSQL.worker(from: $0, liveStatusColumn: WorkerSQL.liveStatusColumn) }.first
    }

    public func groups(ofWorkers ids: Set<String>) async throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try await rows(sql.groups(ofWorkers: ids)) { ($0.text(0), $0.text(1)) })
    }

    public func history(_ query: HistoryQuery) async throws -> [HistoryEntry] {
        try await rows(sql.history(query), WorkerSQL.historyEntry)
    }

    public func newestEventTime() async throws -> Date? {
        try await rows((WorkerSQL.newestEventTime, [])) { $0.optionalDate(0) }.first ?? nil
    }

    public func groupCounts(liveness: Liveness) async throws -> [GroupCount] {
        WorkerSQL.liveCounts(try await rows(sql.groupCounts(liveness: liveness), WorkerSQL.storedCount))
    }

    public func metricsSnapshot(liveness: Liveness, includeWorkers: Bool) async throws -> MetricsSnapshot {
        try await MetricsSnapshot(
            groupCounts: groupCounts(liveness: liveness),
            groups: rows((WorkerSQL.knownGroups, [])) { $0.text(0) },
            counters: rows((WorkerSQL.counters, [])) { ($0.text(0), $0.text(1), $0.int(2)) },
            workers: includeWorkers ? rows((WorkerSQL.lastSeen, []), WorkerSQL.lastSeen) : [])
    }

    public func removeWorker(id: String) async throws -> Bool {
        let statements = sql.deleteWorker(id: id)
        let logger = logger
        return try await database {
            try await self.client.withTransaction(logger: logger) { connection in
                var removed = 0
                for statement in statements {
                    removed = try await Self.count(connection, statement, logger)
                }
                return removed > 0
            }
        }
    }

    public func recordLostWorkers(liveness: Liveness) async throws -> Int {
        let sql = sql
        let logger = logger
        return try await database {
            try await self.client.withTransaction(logger: logger) { connection in
                let expired = try await Self.rows(connection, sql.expired(liveness: liveness, lock: "FOR UPDATE SKIP LOCKED"), logger) {
                    try WorkerSQL.worker(from: $0)
                }
                for worker in expired {
                    guard let deadline = liveness.deadline(of: worker) else { continue }
                    try await Self.run(connection, sql.markLost(worker, at: deadline), logger)
                    try await Self.run(connection, sql.append(HistoryEntry(lostWorker: worker, at: deadline, receivedAt: liveness.now)), logger)
                }
                return expired.count
            }
        }
    }

    public func prune(_ policy: RetentionPolicy, now: Date) async throws -> PruneReport {
        let statements = sql.prune(policy, now: now)
        let logger = logger
        return try await database {
            try await self.client.withTransaction(logger: logger) { connection in
                var removed: [Int] = []
                for statement in statements {
                    removed.append(try await Self.count(connection, statement, logger))
                }
                return PruneReport(workers: removed[0], historyEntries: removed[1] + removed[2])
            }
        }
    }

    public func holdsMaintenanceLease() async -> Bool {
        await lease.isHeld()
    }

    public func close() async throws {
        await lease.release()
        runner.cancel()
        await runner.waitAtMost(.seconds(5))
    }

    // MARK: - Running statements

    private func rows<T: Sendable>(_ statement: SQLStatement, _ map: @escaping @Sendable (PostgresSQLRow) throws -> T) async throws -> [T] {
        let logger = logger
        return try await database {
            try await self.client.withConnection { connection in try await Self.rows(connection, statement, logger, map) }
        }
    }

    private static func rows<T>(_ connection: PostgresConnection, _ statement: SQLStatement, _ logger: Logger, _ map: (PostgresSQLRow) throws -> T) async throws -> [T] {
        var result: [T] = []
        for try await row in try await connection.query(PostgresQuery(statement), logger: logger) {
            result.append(try map(PostgresSQLRow(row.makeRandomAccess())))
        }
        return result
    }

    private static func run(_ connection: PostgresConnection, _ statement: SQLStatement, _ logger: Logger) async throws {
        try await connection.query(PostgresQuery(statement), logger: logger)
    }

    /// Runs a data-changing statement and returns how many rows it changed.
    private static func count(_ connection: PostgresConnection, _ statement: SQLStatement, _ logger: Logger) async throws -> Int {
        let counting = ("WITH changed AS (\(statement.sql) RETURNING 1) SELECT COUNT(*) FROM changed", statement.values)
        return try await rows(connection, counting, logger) { $0.int(0) }.first ?? 0
    }

    /// How long one operation may wait for the database before the client is told to retry (503).
    static let operationTimeout = Duration.seconds(5)

    /// Runs one database operation, bounded by ``operationTimeout``, mapping PostgreSQL failures to
    /// ``StoreError``: a lost connection is `unavailable` (503, retry), a full disk `storageFull` (507).
    private func database<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let (outcome, report) = AsyncStream<Result<T, any Error>>.makeStream()
        let work = Task {
            do {
                report.yield(.success(try await body()))
            } catch {
                report.yield(.failure(error))
            }
        }
        let timer = Task {
            try await Task.sleep(for: Self.operationTimeout)
            report.yield(.failure(StoreError.unavailable("the database did not answer within \(Self.operationTimeout); the write may or may not have been stored")))
        }
        defer {
            work.cancel()
            timer.cancel()
        }
        for await result in outcome {
            do {
                return try result.get()
            } catch let error as StoreError {
                throw error
            } catch {
                throw Self.storeError(error)
            }
        }
        throw StoreError.closed
    }

    /// Retries a transaction that lost a deadlock or serialisation race with another replica.
    private func retryingConflicts<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await database(body)
            } catch let error as StoreError where error.isConflict && attempt < 3 {
                attempt += 1
                logger.debug("retrying a transaction after a conflict", metadata: ["error": "\(error.message)"])
            }
        }
    }

    /// The registry's view of a failure from postgres-nio.
    static func storeError(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let transaction = error as? PostgresTransactionError {
            if let commit = transaction.commitError {
                return .unavailable("the commit's outcome is unknown (\(storeError(commit).message)); retry the request")
            }
            return storeError(transaction.beginError ?? transaction.closureError ?? transaction.rollbackError ?? CancellationError())
        }
        guard let error = error as? PSQLError else {
            return .unavailable("the database cannot be reached: \(String(describing: error))")
        }
        let state = error.serverInfo?[.sqlState] ?? ""
        let message = error.serverInfo?[.message] ?? "\(error.code)"
        switch state {
        case "40001", "40P01": return .conflict(message)
        case "53100": return .storageFull("the database disk is full: \(message)")
        case _ where state.hasPrefix("53") || state.hasPrefix("57") || state.hasPrefix("08"):
            return .unavailable("the database is unavailable: \(message)")
        case "": return .unavailable("the database cannot be reached: \(error.code)")
        default: return .failed("database error \(state): \(message)")
        }
    }
}

extension PostgresQuery {
    /// A statement written for the PostgreSQL dialect, with its values bound.
    init(_ statement: SQLStatement) {
        var bindings = PostgresBindings(capacity: statement.values.count)
        for value in statement.values {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let number): bindings.append(number)
            case .real(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            }
        }
        self.init(unsafeSQL: statement.sql, binds: bindings)
    }
}

/// A PostgreSQL row read by position.
struct PostgresSQLRow: SQLRow, @unchecked Sendable {
    private let row: PostgresRandomAccessRow

    init(_ row: PostgresRandomAccessRow) { self.row = row }

    func isNull(_ column: Int) -> Bool { row[column].bytes == nil }
    func text(_ column: Int) -> String { (try? row[column].decode(String.self)) ?? "" }
    func int(_ column: Int) -> Int { (try? row[column].decode(Int.self)) ?? 0 }
    func double(_ column: Int) -> Double { (try? row[column].decode(Double.self)) ?? 0 }
}
