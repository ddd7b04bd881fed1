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
        try await write { connection in
            try connection.transaction {
                let outcomes = try events.map { event in
                    let existing = try Self.loadWorker(id: event.id, from: connection)
                    let transition = WorkerTransition.apply(event, to: existing, liveness: liveness)
                    try Self.save(transition.worker, to: connection)
                    for entry in transition.entries {
                        try Self.append(entry, to: connection)
                    }
                    return transition.outcome
                }
                try Self.record(BatchTally(events), to: connection)
                return outcomes
            }
        }
    }

    public func workers(_ query: WorkerQuery, liveness: Liveness) async throws -> WorkerPage {
        try await read { connection in
            var builder = SQLiteQueryBuilder()
            let live = builder.liveStatus(liveness)
            if let pattern = query.idPattern {
                let isGlob = pattern.contains { $0 == "*" || $0 == "?" }
                builder.add("id \(isGlob ? "GLOB" : "=") \(builder.parameter(.text(pattern)))")
            }
            builder.addGroup(query.group)
            if let after = query.after {
                builder.add("id > \(builder.parameter(.text(after)))")
            }
            var statusFilter = ""
            if !query.statuses.isEmpty {
                let names = query.statuses.sorted().map { "'\($0.rawValue)'" }.joined(separator: ", ")
                statusFilter = "WHERE live_status IN (\(names))"
            }
            let limit = builder.parameter(.integer(Int64(query.limit + 1)))
            let sql = """
                SELECT * FROM (SELECT \(Self.workerColumns), \(live) AS live_status FROM workers \(builder.whereClause))
                \(statusFilter) ORDER BY id LIMIT \(limit)
                """
            var workers = try connection.query(sql, builder.values) { try Self.worker(from: $0, liveStatusColumn: 17) }
            var next: String?
            if workers.count > query.limit {
                workers.removeLast()
                next = workers.last?.id
            }
            return WorkerPage(workers: workers, nextCursor: next)
        }
    }

    public func worker(id: String, liveness: Liveness) async throws -> Worker? {
        try await read { connection in
            var builder = SQLiteQueryBuilder()
            let live = builder.liveStatus(liveness)
            let sql = "SELECT \(Self.workerColumns), \(live) FROM workers WHERE id = \(builder.parameter(.text(id)))"
            return try connection.query(sql, builder.values) { try Self.worker(from: $0, liveStatusColumn: 17) }.first
        }
    }

    public func history(_ query: HistoryQuery) async throws -> [HistoryEntry] {
        try await read { connection in
            var builder = SQLiteQueryBuilder()
            if let workerID = query.workerID {
                builder.add("worker_id = \(builder.parameter(.text(workerID)))")
            }
            builder.addGroup(query.group)
            if !query.events.isEmpty {
                let placeholders = query.events.sorted().map { builder.parameter(.text($0)) }
                builder.add("event IN (\(placeholders.joined(separator: ", ")))")
            }
            if let since = query.since {
                builder.add("at >= \(builder.parameter(.real(since.timeIntervalSince1970)))")
            }
            if let before = query.before {
                builder.add("seq < \(builder.parameter(.integer(before)))")
            }
            let limit = builder.parameter(.integer(Int64(query.limit)))
            let sql = "SELECT \(Self.historyColumns) FROM history \(builder.whereClause) ORDER BY seq DESC LIMIT \(limit)"
            return try connection.query(sql, builder.values, Self.historyEntry)
        }
    }

    public func newestEventTime() async throws -> Date? {
        try await read { connection in
            try connection.query("SELECT MAX(last_received_at) FROM workers") { $0.optionalDate(0) }.first ?? nil
        }
    }

    public func groupCounts(liveness: Liveness) async throws -> [GroupCount] {
        try await read { connection in
            var builder = SQLiteQueryBuilder()
            let live = builder.liveStatus(liveness)
            let sql = "SELECT grp, \(live) AS live_status, COUNT(*) FROM workers GROUP BY grp, live_status ORDER BY grp"
            return try connection.query(sql, builder.values) { row in
                GroupCount(group: row.text(0), status: try Self.status(row.text(1)), count: row.int(2))
            }
        }
    }

    public func metricsSnapshot(liveness: Liveness, includeWorkers: Bool) async throws -> MetricsSnapshot {
        async let counts = groupCounts(liveness: liveness)
        let (groups, counters, workers) = try await read { connection in
            let groups = try connection.query("SELECT name FROM groups ORDER BY name") { $0.text(0) }
            let counters = try connection.query("SELECT name, label, value FROM counters") { ($0.text(0), $0.text(1), $0.int(2)) }
            let workers = includeWorkers
                ? try connection.query("SELECT id, grp, last_seen FROM workers ORDER BY id") {
                    WorkerLastSeen(id: $0.text(0), group: $0.text(1), lastSeen: $0.date(2))
                } : []
            return (groups, counters, workers)
        }
        return MetricsSnapshot(
            groupCounts: try await counts, groups: groups,
            eventTotals: Dictionary(uniqueKeysWithValues: counters.filter { $0.0 == "events" }.map { ($0.1, $0.2) }),
            errorTotals: Dictionary(uniqueKeysWithValues: counters.filter { $0.0 == "errors" }.map { ($0.1, $0.2) }),
            workers: workers)
    }

    public func removeWorker(id: String) async throws -> Bool {
        try await write { connection in
            try connection.transaction {
                try connection.run("DELETE FROM history WHERE worker_id = ?1", [.text(id)])
                return try connection.run("DELETE FROM workers WHERE id = ?1", [.text(id)]) > 0
            }
        }
    }

    public func recordLostWorkers(liveness: Liveness) async throws -> Int {
        try await write { connection in
            try connection.transaction {
                var builder = SQLiteQueryBuilder()
                let live = builder.liveStatus(liveness)
                let sql = "SELECT \(Self.workerColumns) FROM workers WHERE status = 'running' AND \(live) = 'lost'"
                let expired = try connection.query(sql, builder.values) { try Self.worker(from: $0) }
                for var worker in expired {
                    guard let deadline = liveness.deadline(of: worker) else { continue }
                    worker.status = .lost
                    worker.statusSince = deadline
                    try Self.save(worker, to: connection)
                    try Self.append(
                        HistoryEntry(workerID: worker.id, group: worker.group, event: HistoryEntry.lostEvent,
                                     status: .lost, at: deadline, receivedAt: liveness.now),
                        to: connection)
                }
                return expired.count
            }
        }
    }

    public func prune(_ policy: RetentionPolicy, now: Date) async throws -> PruneReport {
        try await write { connection in
            try connection.transaction {
                let workerCutoff = now.addingTimeInterval(-policy.workers).timeIntervalSince1970
                let workers = try connection.run(
                    "DELETE FROM workers WHERE status != 'running' AND status_since < ?1", [.real(workerCutoff)])
                let historyCutoff = now.addingTimeInterval(-policy.history).timeIntervalSince1970
                var entries = try connection.run("DELETE FROM history WHERE received_at < ?1", [.real(historyCutoff)])
                entries += try connection.run(
                    "DELETE FROM history WHERE seq <= (SELECT MAX(seq) FROM history) - ?1", [.integer(Int64(policy.historyLimit))])
                try connection.run(
                    "DELETE FROM groups WHERE last_event_at < ?1 AND name NOT IN (SELECT grp FROM workers)", [.real(workerCutoff)])
                try connection.run("DELETE FROM counters WHERE name = 'errors' AND label NOT IN (SELECT name FROM groups)")
                return PruneReport(workers: workers, historyEntries: entries)
            }
        }
    }

    public func close() async throws {
        let wasClosed = isClosed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        _ = try? await writerThread.runIfActive { self.writer.withLock { $0 = nil } }
        try await writerThread.shutdownGracefully()
        try await readerThreads.shutdownGracefully()
        readers.withLock { $0.removeAll() }
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

    // MARK: - Rows

    private static let workerColumns = """
        id, grp, status, status_since, run_started_at, last_seen, last_received_at, ttl, host, pid, version, labels, \
        message, message_at, heartbeats, error_count, exit_code
        """

    private static let historyColumns = "seq, worker_id, grp, event, status, at, received_at, message, action, exit_code, late"

    private static func loadWorker(id: String, from connection: SQLiteConnection) throws -> Worker? {
        try connection.query("SELECT \(workerColumns) FROM workers WHERE id = ?1", [.text(id)]) { try worker(from: $0) }.first
    }

    private static func save(_ worker: Worker, to connection: SQLiteConnection) throws {
        try connection.run(
            "INSERT OR REPLACE INTO workers (\(workerColumns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            [
                .text(worker.id), .text(worker.group), .text(worker.status.rawValue), .real(worker.statusSince.timeIntervalSince1970),
                .real(worker.runStartedAt.timeIntervalSince1970), .real(worker.lastSeen.timeIntervalSince1970),
                .real(worker.lastReceivedAt.timeIntervalSince1970), worker.ttl.map(SQLiteValue.real) ?? .null,
                worker.host.map(SQLiteValue.text) ?? .null, worker.pid.map { .integer(Int64($0)) } ?? .null,
                worker.version.map(SQLiteValue.text) ?? .null, .text(LabelCoding.encode(worker.labels)),
                worker.message.map(SQLiteValue.text) ?? .null, worker.messageAt.map { .real($0.timeIntervalSince1970) } ?? .null,
                .integer(Int64(worker.heartbeats)), .integer(Int64(worker.errorCount)),
                worker.exitCode.map { .integer(Int64($0)) } ?? .null,
            ])
    }

    private static func append(_ entry: HistoryEntry, to connection: SQLiteConnection) throws {
        try connection.run(
            "INSERT INTO history (worker_id, grp, event, status, at, received_at, message, action, exit_code, late) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            [
                .text(entry.workerID), .text(entry.group), .text(entry.event), entry.status.map { .text($0.rawValue) } ?? .null,
                .real(entry.at.timeIntervalSince1970), .real(entry.receivedAt.timeIntervalSince1970),
                entry.message.map(SQLiteValue.text) ?? .null, entry.action.map(SQLiteValue.text) ?? .null,
                entry.exitCode.map { .integer(Int64($0)) } ?? .null, .integer(entry.late ? 1 : 0),
            ])
    }

    private static func record(_ tally: BatchTally, to connection: SQLiteConnection) throws {
        let addToCounter = "INSERT INTO counters (name, label, value) VALUES (?1, ?2, ?3) ON CONFLICT (name, label) DO UPDATE SET value = value + excluded.value"
        for (event, count) in tally.events {
            try connection.run(addToCounter, [.text("events"), .text(event), .integer(Int64(count))])
        }
        for (group, count) in tally.errors {
            try connection.run(addToCounter, [.text("errors"), .text(group), .integer(Int64(count))])
        }
        for (group, time) in tally.groups {
            try connection.run(
                "INSERT INTO groups (name, last_event_at) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET last_event_at = MAX(last_event_at, excluded.last_event_at)",
                [.text(group), .real(time.timeIntervalSince1970)])
        }
    }

    private static func worker(from row: SQLiteStatement, liveStatusColumn: Int32? = nil) throws -> Worker {
        Worker(
            id: row.text(0), group: row.text(1), status: try status(row.text(liveStatusColumn ?? 2)),
            statusSince: row.date(3), runStartedAt: row.date(4), lastSeen: row.date(5), lastReceivedAt: row.date(6),
            ttl: row.optionalDouble(7), host: row.optionalText(8), pid: row.optionalInt(9), version: row.optionalText(10),
            labels: LabelCoding.decode(row.text(11)), message: row.optionalText(12), messageAt: row.optionalDate(13),
            heartbeats: row.int(14), errorCount: row.int(15), exitCode: row.optionalInt(16))
    }

    private static func historyEntry(from row: SQLiteStatement) throws -> HistoryEntry {
        HistoryEntry(
            sequence: row.int64(0), workerID: row.text(1), group: row.text(2), event: row.text(3),
            status: try row.optionalText(4).map(status), at: row.date(5), receivedAt: row.date(6),
            message: row.optionalText(7), action: row.optionalText(8), exitCode: row.optionalInt(9), late: row.int(10) != 0)
    }

    private static func status(_ text: String) throws -> WorkerStatus {
        guard let status = WorkerStatus(rawValue: text) else {
            throw SQLiteError(code: 0, message: "unknown status '\(text)' in the database")
        }
        return status
    }
}
