import Foundation

/// The statements ``SQLStore`` runs, written once for either dialect, and the decoding of their rows by column name.
struct WorkerSQL: Sendable {
    let dialect: SQLDialect

    init(dialect: SQLDialect) {
        self.dialect = dialect
    }

    /// The column holding a worker's status as shown now (`lost` derived), in the reads that select it.
    static let liveStatus = "live_status"

    static let workerColumns = """
        id, grp, status, status_since, run_started_at, last_seen, last_received_at, ttl, host, pid, version, labels, metrics, \
        message, message_at, heartbeats, error_count, exit_code
        """
    static let historyColumns = "seq, worker_id, grp, event, status, at, received_at, message, action, exit_code, late"

    // MARK: Writing

    /// A worker's values in the order of ``workerColumns``.
    static func values(of worker: Worker) -> [SQLValue] {
        [
            .text(worker.id), .text(worker.group), .text(worker.status.rawValue), .real(worker.statusSince.timeIntervalSince1970),
            .real(worker.runStartedAt.timeIntervalSince1970), .real(worker.lastSeen.timeIntervalSince1970),
            .real(worker.lastReceivedAt.timeIntervalSince1970), .real(worker.ttl), .text(worker.host), .integer(worker.pid),
            .text(worker.version), .text(LabelCoding.encode(worker.labels)), .text(MetricCoding.encode(worker.metrics)), .text(worker.message),
            .real(worker.messageAt?.timeIntervalSince1970), .integer(worker.heartbeats), .integer(worker.errorCount),
            .integer(worker.exitCode),
        ]
    }

    /// The history columns an appended entry sets (its sequence number is the database's).
    static let appendedColumns = "worker_id, grp, event, status, at, received_at, message, action, exit_code, late"
    static let appendedWidth = 10

    /// An entry's values in the order of ``appendedColumns``.
    static func values(of entry: HistoryEntry) -> [SQLValue] {
        [
            .text(entry.workerID), .text(entry.group), .text(entry.event.rawValue), .text(entry.status?.rawValue),
            .real(entry.at.timeIntervalSince1970), .real(entry.receivedAt.timeIntervalSince1970), .text(entry.message),
            .text(entry.action), .integer(entry.exitCode), .integer(entry.late ? 1 : 0),
        ]
    }

    func deleteHistory(ofWorker id: String) -> SQLStatement {
        SQLStatement("DELETE FROM history WHERE worker_id = \(dialect.placeholder(1))", [.text(id)])
    }

    func deleteWorker(id: String) -> SQLStatement {
        SQLStatement("DELETE FROM workers WHERE id = \(dialect.placeholder(1))", [.text(id)])
    }

    // MARK: Retention

    // Each deletes at most `chunk` rows, so retention runs as many short transactions that commits fit between.

    func pruneWorkers(stoppedBefore cutoff: Date, chunk: Int) -> SQLStatement {
        let p = dialect.placeholder
        // The outer condition is checked again on a row that changed while its lock was awaited (a worker started again).
        let old = "status != 'running' AND last_received_at < \(p(1))"
        return SQLStatement("DELETE FROM workers WHERE id IN (SELECT id FROM workers WHERE \(old) LIMIT \(p(2))) AND \(old)",
                            [.real(cutoff.timeIntervalSince1970), .integer(chunk)])
    }

    func pruneHistory(receivedBefore cutoff: Date, chunk: Int) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement("DELETE FROM history WHERE seq IN (SELECT seq FROM history WHERE received_at < \(p(1)) LIMIT \(p(2)))",
                            [.real(cutoff.timeIntervalSince1970), .integer(chunk)])
    }

    func pruneHistory(keepingNewest limit: Int, chunk: Int) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement(
            "DELETE FROM history WHERE seq IN (SELECT seq FROM history WHERE seq <= (SELECT MAX(seq) FROM history) - \(p(1)) ORDER BY seq LIMIT \(p(2)))",
            [.integer(limit), .integer(chunk)])
    }

    /// Groups with no worker left whose last event is older than `cutoff`.
    func pruneGroups(lastEventBefore cutoff: Date) -> SQLStatement {
        SQLStatement("DELETE FROM groups WHERE last_event_at < \(dialect.placeholder(1)) AND name NOT IN (SELECT grp FROM workers)",
                     [.real(cutoff.timeIntervalSince1970)])
    }

    /// Error counters of groups no longer known.
    static let pruneErrorCounters = SQLStatement("DELETE FROM counters WHERE name = 'errors' AND label NOT IN (SELECT name FROM groups)")

    // MARK: Reading

    /// The columns a worker search looks in.
    static let searchedColumns = ["id", "host", "version", "message"]

    func workers(_ query: WorkerQuery, liveness: Liveness) -> SQLStatement {
        guard let order = Self.orderBy(query.order) else { return workersBySeverity(query, liveness: liveness) }
        var builder = SQLQueryBuilder(dialect)
        let listed = matching(query, after: query.order == .byID ? query.after : nil, liveness: liveness, builder: &builder)
        let limit = builder.parameter(.integer(query.limit + 1))
        let offset = query.offset > 0 ? " OFFSET \(builder.parameter(.integer(query.offset)))" : ""
        return SQLStatement("SELECT * FROM \(listed) ORDER BY \(order) LIMIT \(limit)\(offset)", builder.values)
    }

    func countWorkers(_ query: WorkerQuery, liveness: Liveness) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        let listed = matching(query, after: nil, liveness: liveness, builder: &builder)
        return SQLStatement("SELECT COUNT(*) AS n FROM \(listed)", builder.values)
    }

    /// The workers `query`'s filters keep (after the id `after`, for a cursor), with their status as shown now, as a
    /// subquery named `listed`.
    private func matching(_ query: WorkerQuery, after: String?, liveness: Liveness, builder: inout SQLQueryBuilder) -> String {
        let live = builder.liveStatus(liveness)
        if let pattern = query.id { builder.addID(pattern) }
        builder.addGroup(query.group)
        if let search = query.search { builder.addSearch(search, in: Self.searchedColumns) }
        if let after { builder.add("id > \(builder.parameter(.text(after)))") }
        var statusFilter = ""
        if !query.statuses.isEmpty {
            statusFilter = " WHERE \(Self.liveStatus) IN (\(query.statuses.sorted().map { "'\($0.rawValue)'" }.joined(separator: ", ")))"
        }
        return "(SELECT * FROM (SELECT \(Self.workerColumns), \(live) AS \(Self.liveStatus) FROM workers \(builder.whereClause)) AS live\(statusFilter)) AS listed"
    }

    /// The `ORDER BY` terms of `order`: its column (missing values last), then the id; `nil` for the order by
    /// severity, which ``workersBySeverity(_:liveness:)`` reads another way.
    static func orderBy(_ order: WorkerOrder) -> String? {
        let direction = order.descending ? " DESC" : ""
        let reversed = order.descending ? "" : " DESC"
        switch order.key {
        case .id:
            return "id\(direction)"
        case .group:
            return "grp\(direction), id"
        case .status:
            return nil
        case .lastSeen:
            return "last_seen\(direction), id"
        case .uptime:
            // The longest uptime is the earliest start.
            return "CASE WHEN \(liveStatus) = 'running' THEN 0 ELSE 1 END, run_started_at\(reversed), id"
        case .host:
            return "host IS NULL, host\(direction), id"
        case .version:
            return "version IS NULL, version\(direction), id"
        case .errors:
            return "error_count\(direction), id"
        }
    }

    func worker(id: String, liveness: Liveness) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        let live = builder.liveStatus(liveness)
        return SQLStatement("SELECT \(Self.workerColumns), \(live) AS \(Self.liveStatus) FROM workers WHERE id = \(builder.parameter(.text(id)))", builder.values)
    }

    /// Up to `limit` workers stored as running, by id after `after`, read along the primary key.
    func running(after: String, limit: Int) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement(
            "SELECT \(Self.workerColumns) FROM workers WHERE id > \(p(1)) AND \(dialect.withoutIndex("status")) = 'running' ORDER BY id LIMIT \(p(2))",
            [.text(after), .integer(limit)])
    }

    /// For one id or more (``SQLStore/groups(ofWorkers:)`` asks nothing for none).
    func groups(ofWorkers ids: Set<String>) -> SQLStatement {
        let placeholders = (1...ids.count).map(dialect.placeholder).joined(separator: ", ")
        return SQLStatement("SELECT id, grp FROM workers WHERE id IN (\(placeholders))", ids.map { .text($0) })
    }

    func history(_ query: HistoryQuery) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        if let workerID = query.workerID { builder.add("worker_id = \(builder.parameter(.text(workerID)))") }
        builder.addGroup(query.group)
        if !query.events.isEmpty {
            builder.add("event IN (\(query.events.map(\.rawValue).sorted().map { builder.parameter(.text($0)) }.joined(separator: ", ")))")
        }
        if query.stateChangesOnly { builder.add("status IS NOT NULL") }
        if let since = query.since { builder.add("at >= \(builder.parameter(.real(since.timeIntervalSince1970)))") }
        if let before = query.before { builder.add("seq < \(builder.parameter(.integer(before)))") }
        if let after = query.after { builder.add("seq > \(builder.parameter(.integer(after)))") }
        let limit = builder.parameter(.integer(query.limit))
        let order = query.after == nil ? "DESC" : "ASC"
        return SQLStatement("SELECT \(Self.historyColumns) FROM history \(builder.whereClause) ORDER BY seq \(order) LIMIT \(limit)", builder.values)
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
            SELECT stored.grp AS grp, stored.status AS status, stored.n AS n, COALESCE(expired.n, 0) AS expired \
            FROM (SELECT grp, status, CAST(SUM(n) AS BIGINT) AS n FROM group_status_counts GROUP BY grp, status) AS stored \
            LEFT JOIN (SELECT grp, COUNT(*) AS n FROM (\(expired)) AS due GROUP BY grp) AS expired \
            ON stored.status = 'running' AND expired.grp = stored.grp
            """
        return SQLStatement(sql, builder.values)
    }

    /// At most `limit` running workers past their deadline, locked where another replica may be sweeping too
    /// (skipping what it holds). The outer condition is checked again on a row that changed while its lock was awaited.
    /// The first `limit` are taken as the expiry indexes give them, so a pass reads only what it marks, however many
    /// expired (a pass of 1,000 out of 300,000 had sorted all 300,000 by id).
    func expired(liveness: Liveness, limit: Int) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        let expired = Self.expiredWorkers(column: "id", &builder, liveness)
        let isExpired = builder.isExpired(liveness)
        let limit = builder.parameter(.integer(limit))
        return SQLStatement(
            "SELECT \(Self.workerColumns) FROM workers WHERE id IN (SELECT id FROM (\(expired)) AS due LIMIT \(limit)) AND \(isExpired) "
                + "ORDER BY id \(dialect.lockingFreeRows)",
            builder.values)
    }

    /// `column` of every expired running worker, one index range scan per half of the expiry condition.
    static func expiredWorkers(column: String, _ builder: inout SQLQueryBuilder, _ liveness: Liveness) -> String {
        builder.expiredSources(builder.expiryConditions(liveness)).map { "SELECT \(column) FROM \($0)" }.joined(separator: " UNION ALL ")
    }

    /// Read from the groups (one row per group, updated with every batch), not by scanning every worker.
    static let newestEventTime = SQLStatement("SELECT MAX(last_event_at) AS newest FROM groups")
    static let newestSequence = SQLStatement("SELECT MAX(seq) AS newest FROM history")
    static let workerCount = SQLStatement("SELECT COUNT(*) AS n FROM workers")
    static let knownGroups = SQLStatement("SELECT name FROM groups ORDER BY name")
    static let counters = SQLStatement("SELECT name, label, value FROM counters")
    static let lastSeen = SQLStatement("SELECT id, grp, last_seen FROM workers ORDER BY id")

    // MARK: Rows

    /// A worker row, with its status read from `statusColumn`: `status` as stored, or `live_status` as shown now.
    static func worker(from row: any SQLRow, statusColumn: String = "status") throws -> Worker {
        Worker(
            id: try row.text("id"), group: try row.text("grp"), status: try status(row, statusColumn),
            statusSince: try row.date("status_since"), runStartedAt: try row.date("run_started_at"), lastSeen: try row.date("last_seen"),
            lastReceivedAt: try row.date("last_received_at"), ttl: try row.optionalDouble("ttl"), host: try row.optionalText("host"),
            pid: try row.optionalInt("pid"), version: try row.optionalText("version"), labels: try labels(row.text("labels")),
            metrics: try metrics(row.text("metrics")),
            message: try row.optionalText("message"), messageAt: try row.optionalDate("message_at"), heartbeats: try row.int("heartbeats"),
            errorCount: try row.int("error_count"), exitCode: try row.optionalInt("exit_code"))
    }

    static func historyEntry(from row: any SQLRow) throws -> HistoryEntry {
        let eventName = try row.text("event")
        guard let event = HistoryEvent(rawValue: eventName) else { throw StoreError.badColumn("event", "'\(eventName)'", expected: "an event name") }
        return HistoryEntry(
            sequence: Int64(try row.int("seq")), workerID: try row.text("worker_id"), group: try row.text("grp"), event: event,
            status: try row.optionalText("status") == nil ? nil : status(row, "status"), at: try row.date("at"), receivedAt: try row.date("received_at"),
            message: try row.optionalText("message"), action: try row.optionalText("action"), exitCode: try row.optionalInt("exit_code"),
            late: try row.int("late") != 0)
    }

    /// One row of ``groupCounts(liveness:)``: a stored status's count and how many of those expired.
    static func storedCount(from row: any SQLRow) throws -> (count: GroupCount, expired: Int) {
        (GroupCount(group: try row.text("grp"), status: try status(row, "status"), count: try row.int("n")), try row.int("expired"))
    }

    /// Counts as shown now, ordered by group: expired running workers move from `running` to `lost`.
    static func liveCounts(_ rows: [(count: GroupCount, expired: Int)]) -> [GroupCount] {
        // One value per group, not a dictionary: at 10,000 groups the allocations were most of this function's time.
        var counts: [String: StatusCounts] = [:]
        counts.reserveCapacity(rows.count)
        for (stored, expired) in rows {
            counts[stored.group, default: StatusCounts()][stored.status] += stored.count - expired
            if expired > 0 { counts[stored.group, default: StatusCounts()].lost += expired }
        }
        var live: [GroupCount] = []
        live.reserveCapacity(rows.count)
        for (group, statuses) in counts.sorted(by: { $0.key < $1.key }) {
            for status in orderedStatuses where statuses[status] > 0 {
                live.append(GroupCount(group: group, status: status, count: statuses[status]))
            }
        }
        return live
    }

    private static let orderedStatuses = WorkerStatus.allCases.sorted()

    static func lastSeen(from row: any SQLRow) throws -> WorkerLastSeen {
        WorkerLastSeen(id: try row.text("id"), group: try row.text("grp"), lastSeen: try row.date("last_seen"))
    }

    /// A counter row: which counter (`events` or `errors`), its label and its value.
    static func counter(from row: any SQLRow) throws -> (String, String, Int) {
        (try row.text("name"), try row.text("label"), try row.int("value"))
    }

    private static func status(_ row: any SQLRow, _ column: String) throws -> WorkerStatus {
        let text = try row.text(column)
        guard let status = WorkerStatus(rawValue: text) else { throw StoreError.badColumn(column, "'\(text)'", expected: "a worker status") }
        return status
    }

    /// A worker's numbers from their column.
    static func metrics(_ text: String) throws -> [String: Double] {
        guard let metrics = MetricCoding.decode(text) else { throw StoreError.badColumn("metrics", "'\(text)'", expected: "a JSON object of numbers") }
        return metrics
    }

    private static func labels(_ text: String) throws -> [String: String] {
        guard let labels = LabelCoding.decode(text) else { throw StoreError.badColumn("labels", "'\(text)'", expected: "a JSON object of strings") }
        return labels
    }
}
