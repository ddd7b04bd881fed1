import Foundation
import Logging
import NIOPosix
import Synchronization

/// The embedded default store: one SQLite file in WAL mode.
///
/// All writes go through one connection on one thread, in transactions; ``EventCommitter`` batches many
/// requests into each. Reads use a small pool of read-only connections and never wait for writes.
/// With `synchronous = FULL` (the default) a committed event survives a power cut; `NORMAL` keeps it
/// through a crash of the process but may lose the last transactions on power loss.
public final class SQLiteStore: WorkerStore {
    /// How SQLite syncs the write-ahead log to disk.
    public enum Synchronous: String, Sendable, CaseIterable {
        /// fsync on every commit: survives power loss.
        case full = "FULL"
        /// fsync at checkpoints: survives a crash of the process, not always a power cut.
        case normal = "NORMAL"
    }

    private let path: String
    private let writerThread: NIOThreadPool
    private let readerThreads: NIOThreadPool
    private let writer: Mutex<SQLiteConnection?>
    private let readers: Mutex<[SQLiteConnection]>
    private let isClosed = Mutex(false)
    private let sql = WorkerSQL(dialect: .sqlite)

    private init(path: String, writer: SQLiteConnection, writerThread: NIOThreadPool, readerThreads: NIOThreadPool) {
        self.path = path
        self.writer = Mutex(writer)
        self.readers = Mutex([])
        self.writerThread = writerThread
        self.readerThreads = readerThreads
    }

    /// Opens or creates the database at `path` (creating its folder) and applies pending migrations.
    public static func open(path: String, synchronous: Synchronous = .full, readerThreads: Int = 2) async throws -> SQLiteStore {
        let writerThread = NIOThreadPool(numberOfThreads: 1)
        writerThread.start()
        let readerPool = NIOThreadPool(numberOfThreads: readerThreads)
        readerPool.start()
        do {
            let connection = try await writerThread.runIfActive {
                let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let connection = try SQLiteConnection(path: path)
                try connection.execute("PRAGMA journal_mode = WAL")
                try connection.execute("PRAGMA synchronous = \(synchronous.rawValue)")
                try connection.execute("PRAGMA busy_timeout = 5000")
                // 32 MiB of page cache: the workers table and its indexes at 100,000 workers, so commits
                // do not re-read pages they just wrote.
                try connection.execute("PRAGMA cache_size = -32768")
                try SQLiteMigrations.migrate(connection)
                return connection
            }
            return SQLiteStore(path: path, writer: connection, writerThread: writerThread, readerThreads: readerPool)
        } catch {
            try? await writerThread.shutdownGracefully()
            try? await readerPool.shutdownGracefully()
            throw (error as? SQLiteError)?.storeError ?? error
        }
    }

    public func apply(_ events: [WorkerEvent], liveness: Liveness) async throws -> [EventOutcome] {
        let sql = sql
        return try await write { connection in
            try connection.transaction {
                let outcomes = try events.map { event in
                    let existing = try connection.query(sql.selectWorkerForUpdate(id: event.id)) { try WorkerSQL.worker(from: $0) }.first
                    let transition = WorkerTransition.apply(event, to: existing, liveness: liveness)
                    try connection.run(sql.upsert(transition.worker))
                    for entry in transition.entries {
                        try connection.run(sql.append(entry))
                    }
                    return transition.outcome
                }
                for statement in sql.record(BatchTally(events)) {
                    try connection.run(statement)
                }
                return outcomes
            }
        }
    }

    public func workers(_ query: WorkerQuery, liveness: Liveness) async throws -> WorkerPage {
        let statement = sql.workers(query, liveness: liveness)
        let workers = try await read { connection in
            try connection.query(statement) { try WorkerSQL.worker(from: $0, liveStatusColumn: WorkerSQL.liveStatusColumn) }
        }
        return WorkerPage(listing: workers, limit: query.limit)
    }

    public func worker(id: String, liveness: Liveness) async throws -> Worker? {
        let statement = sql.worker(id: id, liveness: liveness)
        return try await read { connection in
            try connection.query(statement) { try WorkerSQL.worker(from: $0, liveStatusColumn: WorkerSQL.liveStatusColumn) }.first
        }
    }

    public func groups(ofWorkers ids: Set<String>) async throws -> [String: String] {
        let statement = sql.groups(ofWorkers: ids)
        let rows = try await read { connection in try connection.query(statement) { ($0.text(0), $0.text(1)) } }
        return Dictionary(uniqueKeysWithValues: rows)
    }

    public func history(_ query: HistoryQuery) async throws -> [HistoryEntry] {
        let statement = sql.history(query)
        return try await read { connection in try connection.query(statement, WorkerSQL.historyEntry) }
    }

    public func newestEventTime() async throws -> Date? {
        try await read { connection in
            try connection.query((WorkerSQL.newestEventTime, [])) { $0.optionalDate(0) }.first ?? nil
        }
    }

    public func groupCounts(liveness: Liveness) async throws -> [GroupCount] {
        let statement = sql.groupCounts(liveness: liveness)
        return try await read { connection in WorkerSQL.liveCounts(try connection.query(statement, WorkerSQL.storedCount)) }
    }

    public func metricsSnapshot(liveness: Liveness, includeWorkers: Bool) async throws -> MetricsSnapshot {
        let countsStatement = sql.groupCounts(liveness: liveness)
        return try await read { connection in
            try MetricsSnapshot(
                groupCounts: WorkerSQL.liveCounts(connection.query(countsStatement, WorkerSQL.storedCount)),
                groups: connection.query((WorkerSQL.knownGroups, [])) { $0.text(0) },
                counters: connection.query((WorkerSQL.counters, [])) { ($0.text(0), $0.text(1), $0.int(2)) },
                workers: includeWorkers ? connection.query((WorkerSQL.lastSeen, []), WorkerSQL.lastSeen) : [])
        }
    }

    public func removeWorker(id: String) async throws -> Bool {
        let statements = sql.deleteWorker(id: id)
        return try await write { connection in
            try connection.transaction {
                try statements.map { try connection.run($0) }.last! > 0
            }
        }
    }

    public func recordLostWorkers(liveness: Liveness) async throws -> Int {
        let sql = sql
        return try await write { connection in
            try connection.transaction {
                let expired = try connection.query(sql.expired(liveness: liveness)) { try WorkerSQL.worker(from: $0) }
                for worker in expired {
                    guard let deadline = liveness.deadline(of: worker) else { continue }
                    try connection.run(sql.markLost(worker, at: deadline))
                    try connection.run(sql.append(HistoryEntry(lostWorker: worker, at: deadline, receivedAt: liveness.now)))
                }
                return expired.count
            }
        }
    }

    public func prune(_ policy: RetentionPolicy, now: Date) async throws -> PruneReport {
        let statements = sql.prune(policy, now: now)
        return try await write { connection in
            try connection.transaction {
                let removed = try statements.map { try connection.run($0) }
                return PruneReport(workers: removed[0], historyEntries: removed[1] + removed[2])
            }
        }
    }

    /// Always: one server owns the file.
    public func holdsMaintenanceLease() async -> Bool { true }

    public func close() async throws {
        let wasClosed = isClosed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        // Readers first, so that the writer is the last connection to close: SQLite then checkpoints the
        // WAL into the database file and deletes it. A read-only connection closing last cannot, and
        // would leave every commit since the last checkpoint in the WAL.
        try await readerThreads.shutdownGracefully()
        readers.withLock { $0.removeAll() }
        _ = try? await writerThread.runIfActive { self.writer.withLock { $0 = nil } }
        try await writerThread.shutdownGracefully()
    }

    // MARK: - Connections

    private func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await run(on: writerThread) {
            try self.writer.withLock { connection throws -> T in
                guard let connection else { throw StoreError.closed }
                return try body(connection)
            }
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await run(on: readerThreads) {
            let connection = try self.readers.withLock { $0.popLast() } ?? self.openReader()
            defer { self.readers.withLock { $0.append(connection) } }
            return try body(connection)
        }
    }

    private func openReader() throws -> SQLiteConnection {
        let connection = try SQLiteConnection(path: path, readOnly: true)
        try connection.execute("PRAGMA busy_timeout = 5000")
        try connection.execute("PRAGMA cache_size = -16384")
        try connection.execute("PRAGMA temp_store = MEMORY")
        return connection
    }

    private func run<T: Sendable>(on threads: NIOThreadPool, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        if isClosed.withLock({ $0 }) { throw StoreError.closed }
        do {
            return try await threads.runIfActive(body)
        } catch let error as SQLiteError {
            throw error.storeError
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw StoreError.closed
        }
    }
}
