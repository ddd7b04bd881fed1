import Foundation

/// A statement and the values bound to it.
typealias SQLStatement = (sql: String, values: [SQLValue])

/// The statements both SQL stores run, written once for either dialect, and the decoding of their rows.
struct WorkerSQL: Sendable {
    let dialect: SQLDialect
    /// The write statements' texts, built once: they run for every event.
    private let selectWorkerText: String
    private let upsertText: String
    private let appendText: String
    private let addToCounterText: String
    private let touchGroupText: String

    init(dialect: SQLDialect) {
        self.dialect = dialect
        let p = dialect.placeholder
        selectWorkerText = "SELECT \(Self.workerColumns) FROM workers WHERE id = \(p(1))"
        let columns = Self.workerColumns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let placeholders = (1...columns.count).map(p).joined(separator: ", ")
        let updates = columns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        upsertText = "INSERT INTO workers (\(Self.workerColumns)) VALUES (\(placeholders)) ON CONFLICT (id) DO UPDATE SET \(updates)"
        appendText = "INSERT INTO history (worker_id, grp, event, status, at, received_at, message, action, exit_code, late) "
            + "VALUES (\((1...10).map(p).joined(separator: ", ")))"
        addToCounterText = "INSERT INTO counters (name, label, value) VALUES (\(p(1)), \(p(2)), \(p(3))) "
            + "ON CONFLICT (name, label) DO UPDATE SET value = counters.value + excluded.value"
        touchGroupText = "INSERT INTO groups (name, last_event_at) VALUES (\(p(1)), \(p(2))) "
            + "ON CONFLICT (name) DO UPDATE SET last_event_at = \(dialect.greatest)(groups.last_event_at, excluded.last_event_at)"
    }

    static let workerColumns = """
        id, grp, status, status_since, run_started_at, last_seen, last_received_at, ttl, host, pid, version, labels, \
        message, message_at, heartbeats, error_count, exit_code
        """
    static let historyColumns = "seq, worker_id, grp, event, status, at, received_at, message, action, exit_code, late"
    /// Where the live status sits in rows that carry one after the worker columns.
    static let liveStatusColumn = 17

    // MARK: Writing

    func selectWorkerForUpdate(id: String, lock: String = "") -> SQLStatement {
        (lock.isEmpty ? selectWorkerText : selectWorkerText + " " + lock, [.text(id)])
    }

    func upsert(_ worker: Worker) -> SQLStatement {
        let values: [SQLValue] = [
            .text(worker.id), .text(worker.group), .text(worker.status.rawValue), .real(worker.statusSince.timeIntervalSince1970),
            .real(worker.runStartedAt.timeIntervalSince1970), .real(worker.lastSeen.timeIntervalSince1970),
            .real(worker.lastReceivedAt.timeIntervalSince1970), .real(worker.ttl), .text(worker.host), .integer(worker.pid),
            .text(worker.version), .text(LabelCoding.encode(worker.labels)), .text(worker.message),
            .real(worker.messageAt?.timeIntervalSince1970), .integer(worker.heartbeats), .integer(worker.errorCount),
            .integer(worker.exitCode),
        ]
        return (upsertText, values)
    }

    func append(_ entry: HistoryEntry) -> SQLStatement {
        (
            appendText,
            [
                .text(entry.workerID), .text(entry.group), .text(entry.event), .text(entry.status?.rawValue),
                .real(entry.at.timeIntervalSince1970), .real(entry.receivedAt.timeIntervalSince1970), .text(entry.message),
                .text(entry.action), .integer(entry.exitCode), .integer(entry.late ? 1 : 0),
            ]
        )
    }

    /// The statements that add one batch's tally to the counters and the known groups, in a fixed order
    /// (so concurrent writers take their row locks in the same order).
    func record(_ tally: BatchTally) -> [SQLStatement] {
        let addToCounter = addToCounterText, touchGroup = touchGroupText
        return tally.errors.sorted { $0.key < $1.key }.map { (addToCounter, [.text("errors"), .text($0.key), .integer($0.value)]) }
            + tally.events.sorted { $0.key < $1.key }.map { (addToCounter, [.text("events"), .text($0.key), .integer($0.value)]) }
            + tally.groups.sorted { $0.key < $1.key }.map { (touchGroup, [.text($0.key), .real($0.value.timeIntervalSince1970)]) }
    }

    func markLost(_ worker: Worker, at deadline: Date) -> SQLStatement {
        let p = dialect.placeholder
        return ("UPDATE workers SET status = 'lost', status_since = \(p(1)) WHERE id = \(p(2)) AND status = 'running'",
                [.real(deadline.timeIntervalSince1970), .text(worker.id)])
    }

    func deleteWorker(id: String) -> [SQLStatement] {
        [("DELETE FROM history WHERE worker_id = \(dialect.placeholder(1))", [.text(id)]),
         ("DELETE FROM workers WHERE id = \(dialect.placeholder(1))", [.text(id)])]
    }

    /// Retention: old stopped workers, old history, history over the limit, then empty old groups and their counters.
    func prune(_ policy: RetentionPolicy, now: Date) -> [SQLStatement] {
        let p = dialect.placeholder(1)
        let workerCutoff = now.addingTimeInterval(-policy.workers).timeIntervalSince1970
        let historyCutoff = now.addingTimeInterval(-policy.history).timeIntervalSince1970
        return [
            ("DELETE FROM workers WHERE status != 'running' AND last_received_at < \(p)", [.real(workerCutoff)]),
            ("DELETE FROM history WHERE received_at < \(p)", [.real(historyCutoff)]),
            ("DELETE FROM history WHERE seq <= (SELECT MAX(seq) FROM history) - \(p)", [.integer(policy.historyLimit)]),
            ("DELETE FROM groups WHERE last_event_at < \(p) AND name NOT IN (SELECT grp FROM workers)", [.real(workerCutoff)]),
            ("DELETE FROM counters WHERE name = 'errors' AND label NOT IN (SELECT name FROM groups)", []),
        ]
    }

    // MARK: Reading

    func workers(_ query: WorkerQuery, liveness: Liveness) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        let live = builder.liveStatus(liveness)
        if let pattern = query.idPattern { builder.addID(pattern) }
        builder.addGroup(query.group)
        if let after = query.after { builder.add("id > \(builder.parameter(.text(after)))") }
        var statusFilter = ""
        if !query.statuses.isEmpty {
            statusFilter = "WHERE live_status IN (\(query.statuses.sorted().map { "'\($0.rawValue)'" }.joined(separator: ", ")))"
        }
        let limit = builder.parameter(.integer(query.limit + 1))
        let sql = """
            SELECT * FROM (SELECT \(Self.workerColumns), \(live) AS live_status FROM workers \(builder.whereClause)) AS listed
            \(statusFilter) ORDER BY id LIMIT \(limit)
            """
        return (sql, builder.values)
    }

    func worker(id: String, liveness: Liveness) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        let live = builder.liveStatus(liveness)
        return ("SELECT \(Self.workerColumns), \(live) FROM workers WHERE id = \(builder.parameter(.text(id)))", builder.values)
    }

    /// For one id or more (``Registry/groups(ofWorkers:)`` asks nothing for none).
    func groups(ofWorkers ids: Set<String>) -> SQLStatement {
        let placeholders = (1...ids.count).map(dialect.placeholder).joined(separator: ", ")
        return ("SELECT id, grp FROM workers WHERE id IN (\(placeholders))", ids.map { .text($0) })
    }

    func history(_ query: HistoryQuery) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        if let workerID = query.workerID { builder.add("worker_id = \(builder.parameter(.text(workerID)))") }
        builder.addGroup(query.group)
        if !query.events.isEmpty {
            builder.add("event IN (\(query.events.sorted().map { builder.parameter(.text($0)) }.joined(separator: ", ")))")
        }
        if query.stateChangesOnly { builder.add("status IS NOT NULL") }
        if let since = query.since { builder.add("at >= \(builder.parameter(.real(since.timeIntervalSince1970)))") }
        if let before = query.before { builder.add("seq < \(builder.parameter(.integer(before)))") }
        let limit = builder.parameter(.integer(query.limit))
        return ("SELECT \(Self.historyColumns) FROM history \(builder.whereClause) ORDER BY seq DESC LIMIT \(limit)", builder.values)
    }

    /// Workers per stored group and status, with how many of them have expired: the counts the
    /// `group_status_counts` triggers keep (summed, as PostgreSQL may split one count over several rows),
    /// joined with the running workers past their deadline that the sweep has not yet marked `lost`, read
    /// through the expiry indexes. One statement, so both parts come from one snapshot.
    /// ``liveCounts(_:)`` turns the rows into counts as shown now.
    func groupCounts(liveness: Liveness) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        let expired = Self.expiredWorkers(column: "grp", &builder, liveness)
        let sql = """
            SELECT stored.grp, stored.status, stored.n, COALESCE(expired.n, 0) \
            FROM (SELECT grp, status, CAST(SUM(n) AS BIGINT) AS n FROM group_status_counts GROUP BY grp, status) AS stored \
            LEFT JOIN (SELECT grp, COUNT(*) AS n FROM (\(expired)) AS due GROUP BY grp) AS expired \
            ON stored.status = 'running' AND expired.grp = stored.grp
            """
        return (sql, builder.values)
    }

    /// Running workers past their deadline; `lock` adds the dialect's row locking. The outer condition is
    /// checked again on a row that changed while its lock was awaited.
    func expired(liveness: Liveness, lock: String = "") -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        let expired = Self.expiredWorkers(column: "id", &builder, liveness)
        let isExpired = builder.isExpired(liveness)
        return ("SELECT \(Self.workerColumns) FROM workers WHERE id IN (\(expired)) AND \(isExpired) ORDER BY id \(lock)", builder.values)
    }

    /// `column` of every expired running worker, one index range scan per half of the expiry condition
    /// (an `OR` of the two would not use the partial indexes in SQLite).
    private static func expiredWorkers(column: String, _ builder: inout SQLQueryBuilder, _ liveness: Liveness) -> String {
        let expiry = builder.expiryConditions(liveness)
        return "SELECT \(column) FROM workers WHERE \(expiry.ownTTL) UNION ALL SELECT \(column) FROM workers WHERE \(expiry.defaultTTL)"
    }

    /// Read from the groups (one row per group, updated with every batch), not by scanning every worker.
    static let newestEventTime = "SELECT MAX(last_event_at) FROM groups"
    static let knownGroups = "SELECT name FROM groups ORDER BY name"
    static let counters = "SELECT name, label, value FROM counters"
    static let lastSeen = "SELECT id, grp, last_seen FROM workers ORDER BY id"

    // MARK: Rows

    static func worker(from row: some SQLRow, liveStatusColumn: Int? = nil) throws -> Worker {
        Worker(
            id: row.text(0), group: row.text(1), status: try status(row.text(liveStatusColumn ?? 2)),
            statusSince: row.date(3), runStartedAt: row.date(4), lastSeen: row.date(5), lastReceivedAt: row.date(6),
            ttl: row.optionalDouble(7), host: row.optionalText(8), pid: row.optionalInt(9), version: row.optionalText(10),
            labels: LabelCoding.decode(row.text(11)), message: row.optionalText(12), messageAt: row.optionalDate(13),
            heartbeats: row.int(14), errorCount: row.int(15), exitCode: row.optionalInt(16))
    }

    static func historyEntry(from row: some SQLRow) throws -> HistoryEntry {
        HistoryEntry(
            sequence: Int64(row.int(0)), workerID: row.text(1), group: row.text(2), event: row.text(3),
            status: try row.optionalText(4).map(status), at: row.date(5), receivedAt: row.date(6),
            message: row.optionalText(7), action: row.optionalText(8), exitCode: row.optionalInt(9), late: row.int(10) != 0)
    }

    /// One row of ``groupCounts(liveness:)``: a stored status's count and how many of those expired.
    static func storedCount(from row: some SQLRow) throws -> (count: GroupCount, expired: Int) {
        (GroupCount(group: row.text(0), status: try status(row.text(1)), count: row.int(2)), row.int(3))
    }

    /// Counts as shown now, ordered by group: expired running workers move from `running` to `lost`.
    static func liveCounts(_ rows: [(count: GroupCount, expired: Int)]) -> [GroupCount] {
        var counts: [String: [WorkerStatus: Int]] = [:]
        for (stored, expired) in rows {
            counts[stored.group, default: [:]][stored.status, default: 0] += stored.count - expired
            if expired > 0 { counts[stored.group, default: [:]][.lost, default: 0] += expired }
        }
        return counts.sorted { $0.key < $1.key }.flatMap { group, statuses in
            statuses.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { GroupCount(group: group, status: $0.key, count: $0.value) }
        }
    }

    static func lastSeen(from row: some SQLRow) -> WorkerLastSeen {
        WorkerLastSeen(id: row.text(0), group: row.text(1), lastSeen: row.date(2))
    }

    private static func status(_ text: String) throws -> WorkerStatus {
        guard let status = WorkerStatus(rawValue: text) else { throw StoreError.failed("unknown status '\(text)' in the database") }
        return status
    }
}

extension SQLRow {
    func optionalText(_ column: Int) -> String? { isNull(column) ? nil : text(column) }
    func optionalInt(_ column: Int) -> Int? { isNull(column) ? nil : int(column) }
    func optionalDouble(_ column: Int) -> Double? { isNull(column) ? nil : double(column) }
    func date(_ column: Int) -> Date { Date(timeIntervalSince1970: double(column)) }
    func optionalDate(_ column: Int) -> Date? { isNull(column) ? nil : date(column) }
}
