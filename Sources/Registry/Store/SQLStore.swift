import Foundation
import ServiceLifecycle

/// The store: every statement and rule written once, run by an SQLite or a PostgreSQL executor.
///
/// ```swift
/// let store = SQLStore(database: try await SQLiteDatabase.open(path: "data/wokmanager.sqlite"))
/// ```
public final class SQLStore: WorkerStore {
    /// What runs the SQL.
    public let database: any SQLDatabase
    /// How queued notifications are grouped (the window new ones wait for).
    public let notificationPolicy: NotificationPolicy
    let sql: WorkerSQL

    /// A store over `database`, whose schema the executor has brought up to date.
    public init(database: any SQLDatabase, notificationPolicy: NotificationPolicy = NotificationPolicy()) {
        self.database = database
        self.notificationPolicy = notificationPolicy
        self.sql = WorkerSQL(dialect: database.dialect)
    }

    public func apply(_ events: [WorkerEvent], touches: [String: HeartbeatTouch], liveness: Liveness) async throws -> [WorkerTransition] {
        let sql = sql, batchSQL = WorkerBatchSQL(dialect: sql.dialect), policy = notificationPolicy, pushSQL = PushSQL(dialect: sql.dialect)
        let ids = Array(Set(events.map(\.id))).sorted()
        return try await database.write { connection in
            if let lock = sql.dialect.lockWorkers { try await connection.run(lock(ids)) }
            var current: [String: Worker] = [:]
            for statement in batchSQL.select(ids) {
                for worker in try await connection.rows(statement, { try WorkerSQL.worker(from: $0) }) { current[worker.id] = worker }
            }
            for (id, touch) in touches {
                if let stored = current[id], touch.belongs(to: stored) { current[id] = touch.applied(to: stored) }
            }
            var transitions: [WorkerTransition] = []
            transitions.reserveCapacity(events.count)
            var unwritten = UnwrittenWorkers()
            var ledger = ProblemLedger(connection: connection, dialect: sql.dialect, policy: policy, now: liveness.now)
            let groups = Set(events.map(\.group)).union(current.values.map(\.group))
            try await ledger.readOpenSubjects(among: Set(ids.map(Subject.worker)).union(groups.flatMap(Subject.groupAndAncestors).map(Subject.group)))
            var counterDeltas = CounterDeltas()
            for event in events {
                let existing = current[event.id]
                let transition = WorkerTransition.apply(event, to: existing, liveness: liveness)
                current[event.id] = transition.worker
                counterDeltas.add(transition.worker.metrics, previous: existing?.metrics ?? [:], group: transition.worker.group)
                unwritten.add(transition)
                // What follows may read this worker's row or history: everything before it is written first.
                if event.push != nil || FailureRule.matters(before: existing, after: transition.worker) {
                    try await unwritten.write(connection, batchSQL)
                }
                if let push = event.push {
                    let newRun = existing.map { $0.runStartedAt != transition.worker.runStartedAt } ?? false
                    for statement in pushSQL.apply(push, workerID: event.id, newRun: newRun) {
                        try await connection.run(statement)
                    }
                }
                try await Self.updateProblems(after: transition, before: existing, event: event, &ledger)
                transitions.append(transition)
            }
            try await unwritten.write(connection, batchSQL)
            for statement in batchSQL.record(BatchTally(events)) + MetricSQL(dialect: sql.dialect).add(counterDeltas) {
                try await connection.run(statement)
            }
            return transitions
        }
    }

    public func writeHeartbeats(_ touches: [String: HeartbeatTouch], tally: BatchTally) async throws -> HeartbeatWrite {
        let sql = sql, heartbeatSQL = HeartbeatSQL(dialect: sql.dialect)
        let statements = heartbeatSQL.write(touches.map { ($0.key, $0.value) }), tallied = WorkerBatchSQL(dialect: sql.dialect).record(tally)
        // The worker rows are taken without waiting (rows other transactions hold are skipped), and the tally's rows
        // last, in the order commits take them: a flush never waits while holding what a commit waits for.
        return try await database.write { connection in
            var updated = Set<String>()
            for statement in statements { updated.formUnion(try await connection.rows(statement) { try $0.text("id") }) }
            let skipped = touches.filter { !updated.contains($0.key) }
            var held = Set<String>()
            if !sql.dialect.lockingFreeRows.isEmpty, !skipped.isEmpty {
                for (id, runStartedAt) in try await connection.rows(heartbeatSQL.running(Array(skipped.keys)), HeartbeatSQL.run)
                where skipped[id]!.isRun(startedAt: runStartedAt) {
                    held.insert(id)
                }
            }
            for statement in tallied { try await connection.run(statement) }
            return HeartbeatWrite(updated: updated, held: held)
        }
    }

    public func workers(_ query: WorkerQuery, liveness: Liveness) async throws -> PagedWorkers {
        let statement = sql.workers(query, liveness: liveness)
        let listing = try await database.read { connection in
            try await connection.rows(statement) { try WorkerSQL.worker(from: $0, statusColumn: WorkerSQL.liveStatus) }
        }
        return PagedWorkers(listing: listing, limit: query.limit, order: query.order)
    }

    public func countWorkers(_ query: WorkerQuery, liveness: Liveness) async throws -> Int {
        let statement = sql.countWorkers(query, liveness: liveness)
        return try await database.read { connection in try await connection.rows(statement) { try $0.int("n") }.first ?? 0 }
    }

    public func worker(id: String, liveness: Liveness) async throws -> Worker? {
        let statement = sql.worker(id: id, liveness: liveness)
        return try await database.read { connection in
            try await connection.rows(statement) { try WorkerSQL.worker(from: $0, statusColumn: WorkerSQL.liveStatus) }.first
        }
    }

    public func runningWorkers(after: String, limit: Int) async throws -> [Worker] {
        let statement = sql.running(after: after, limit: limit)
        return try await database.read { connection in try await connection.rows(statement) { try WorkerSQL.worker(from: $0) } }
    }

    public func groups(ofWorkers ids: Set<String>) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        let statement = sql.groups(ofWorkers: ids)
        let rows = try await database.read { connection in try await connection.rows(statement) { (try $0.text("id"), try $0.text("grp")) } }
        return Dictionary(uniqueKeysWithValues: rows)
    }

    public func history(_ query: HistoryQuery) async throws -> [HistoryEntry] {
        let statement = sql.history(query)
        return try await database.read { connection in try await connection.rows(statement, WorkerSQL.historyEntry) }
    }

    public func errors(ofWorkers ids: [String], limit: Int) async throws -> [String: [HistoryEntry]] {
        guard !ids.isEmpty else { return [:] }
        let statements = ids.map { sql.history(HistoryQuery(workerID: $0, events: [.error], limit: limit)) }
        return try await database.read { connection in
            var errors: [String: [HistoryEntry]] = [:]
            for (id, statement) in zip(ids, statements) {
                let entries = try await connection.rows(statement, WorkerSQL.historyEntry)
                if !entries.isEmpty { errors[id] = entries }
            }
            return errors
        }
    }

    public func newestSequence() async throws -> Int64 {
        try await database.read { connection in
            try await connection.rows(WorkerSQL.newestSequence) { try $0.optionalInt("newest") }.first.flatMap { $0 }.map(Int64.init) ?? 0
        }
    }

    public func newestEventTime() async throws -> Date? {
        try await database.read { connection in
            try await connection.rows(WorkerSQL.newestEventTime) { try $0.optionalDate("newest") }.first ?? nil
        }
    }

    public func capacityCounts() async throws -> (groups: [String], workers: Int) {
        try await database.read { connection in
            (try await connection.rows(WorkerSQL.knownGroups) { try $0.text("name") },
             try await connection.rows(WorkerSQL.workerCount) { try $0.int("n") }.first ?? 0)
        }
    }

    public func countsSnapshot(liveness: Liveness) async throws -> CountsSnapshot {
        let statement = sql.groupCounts(liveness: liveness)
        return try await database.read { connection in try await Self.counts(connection, statement, countedAt: liveness.now) }
    }

    /// The counts `statement` (``WorkerSQL/groupCounts(liveness:)``) reads, and every group kept.
    private static func counts(_ connection: any SQLConnection, _ statement: SQLStatement, countedAt: Date) async throws -> CountsSnapshot {
        CountsSnapshot(
            counts: WorkerSQL.liveCounts(try await connection.rows(statement, WorkerSQL.storedCount)),
            groups: try await connection.rows(WorkerSQL.knownGroups) { try $0.text("name") }, countedAt: countedAt)
    }

    public func metricsSnapshot(liveness: Liveness, includeWorkers: Bool, counts: CountsSnapshot?) async throws -> MetricsSnapshot {
        let countsStatement = sql.groupCounts(liveness: liveness)
        let metricSQL = MetricSQL(dialect: sql.dialect)
        let gauges = metricSQL.runningNumbers(in: nil, liveness: liveness), numbers = metricSQL.workerNumbers(liveness: liveness)
        let pushed = PushSQL(dialect: sql.dialect).exposed(liveness: liveness)
        return try await database.read { connection in
            let shown: CountsSnapshot
            if let counts { shown = counts } else { shown = try await Self.counts(connection, countsStatement, countedAt: liveness.now) }
            return try await MetricsSnapshot(
                counts: shown, counters: connection.rows(WorkerSQL.counters, WorkerSQL.counter),
                workers: includeWorkers ? connection.rows(WorkerSQL.lastSeen, WorkerSQL.lastSeen) : [],
                problems: ProblemSQL.openCounts(connection),
                expectations: connection.rows(ExpectationSQL.all, ExpectationSQL.expectation),
                groupGauges: MetricSQL.gauges(connection, gauges, perGroup: true),
                groupCounters: connection.rows(MetricSQL.groupCounters, MetricSQL.groupCounter),
                workerNumbers: includeWorkers ? connection.rows(numbers, MetricSQL.workerNumbers) : [],
                pushed: connection.rows(pushed, PushSQL.exposedFamily))
        }
    }

    public func reportedNumbers(in filter: GroupFilter?, liveness: Liveness) async throws -> ReportedNumbers {
        let metricSQL = MetricSQL(dialect: sql.dialect)
        let gauges = metricSQL.runningNumbers(in: filter, liveness: liveness), counters = metricSQL.counters(in: filter)
        return try await database.read { connection in
            ReportedNumbers(
                gauges: try await MetricSQL.gauges(connection, gauges, perGroup: false), counters: try await connection.rows(counters, MetricSQL.groupCounter))
        }
    }

    public func pushedState(workerID: String, names: [String]) async throws -> PushedState {
        let pushSQL = PushSQL(dialect: sql.dialect)
        let own = pushSQL.ownSeries(workerID: workerID), types = names.isEmpty ? nil : pushSQL.runningTypes(of: names)
        return try await database.read { connection in
            let entries = try await connection.rows(own) {
                PushedState.Entry(grouping: try $0.text("grouping"), name: try $0.text("name"), series: try $0.int("series"))
            }
            var runningTypes: [String: Set<MetricType>] = [:]
            if let types {
                for (name, type) in try await connection.rows(types, { (try $0.text("name"), MetricType(rawValue: try $0.text("type")) ?? .untyped) }) {
                    runningTypes[name, default: []].insert(type)
                }
            }
            return PushedState(ownSeries: entries, runningTypes: runningTypes)
        }
    }

    public func removeWorker(id: String, now: Date) async throws -> Bool {
        let sql = sql, policy = notificationPolicy
        return try await database.write { connection in
            var ledger = ProblemLedger(connection: connection, dialect: sql.dialect, policy: policy, now: now)
            try await ledger.resolve(.worker(id), kinds: Set(ProblemKind.allCases), resolution: "the worker was deregistered")
            try await connection.run(sql.deleteHistory(ofWorker: id))
            try await connection.run(PushSQL(dialect: sql.dialect).deleteWorker(id: id))
            return try await connection.count(sql.deleteWorker(id: id)) > 0
        }
    }

    /// Workers recorded lost in one transaction: a mass loss (a network cut) is recorded in many short ones,
    /// so the events of the fleet reconnecting are committed between them.
    static let sweepChunk = 1000
    /// Rows retention deletes in one transaction.
    static let pruneChunk = 5000

    public func recordLostWorkers(liveness: Liveness) async throws -> [String] {
        var lost: [String] = []
        while true {
            let pass = try await recordLostWorkers(liveness: liveness, limit: Self.sweepChunk)
            lost += pass
            if pass.count < Self.sweepChunk { return lost }
        }
    }

    private func recordLostWorkers(liveness: Liveness, limit: Int) async throws -> [String] {
        let sql = sql, policy = notificationPolicy
        return try await database.write { connection in
            let expired = try await connection.rows(sql.expired(liveness: liveness, limit: limit)) { try WorkerSQL.worker(from: $0) }
            let lost = expired.compactMap { worker in liveness.deadline(of: worker).map { (worker: worker, deadline: $0) } }
            let batchSQL = WorkerBatchSQL(dialect: sql.dialect)
            for statement in batchSQL.markLost(lost.map { ($0.worker.id, $0.deadline) })
                + batchSQL.append(lost.map { HistoryEntry(lostWorker: $0.worker, at: $0.deadline, receivedAt: liveness.now) }) {
                try await connection.run(statement)
            }
            var ledger = ProblemLedger(connection: connection, dialect: sql.dialect, policy: policy, now: liveness.now)
            for (worker, _) in lost {
                try await ledger.open(Problem(
                    kind: .lost, subject: .worker(worker.id), group: worker.group, openedAt: liveness.now,
                    detail: "no sign of life since \(RFC3339.format(worker.lastReceivedAt)) (TTL \(DurationText.text(seconds: liveness.ttl(of: worker))))"))
            }
            return expired.map(\.id)
        }
    }

    public func prune(_ policy: RetentionPolicy, now: Date) async throws -> PruneReport {
        let sql = sql
        let workerCutoff = now.addingTimeInterval(-policy.workers), chunk = Self.pruneChunk
        let workers = try await deleteInChunks(sql.pruneWorkers(stoppedBefore: workerCutoff, chunk: chunk))
        let oldHistory = try await deleteInChunks(sql.pruneHistory(receivedBefore: now.addingTimeInterval(-policy.history), chunk: chunk))
        let overLimit = try await deleteInChunks(sql.pruneHistory(keepingNewest: policy.historyLimit, chunk: chunk))
        return try await database.write { connection in
            try await connection.run(sql.pruneGroups(lastEventBefore: workerCutoff))
            try await connection.run(WorkerSQL.pruneErrorCounters)
            try await connection.run(MetricSQL.pruneGroupCounters)
            try await connection.run(PushSQL.pruneOrphans)
            let problemSQL = ProblemSQL(dialect: sql.dialect), historyCutoff = now.addingTimeInterval(-policy.history)
            try await connection.run(problemSQL.pruneProblems(resolvedBefore: historyCutoff))
            try await connection.run(problemSQL.pruneSilences(endedBefore: historyCutoff))
            let outboxSQL = OutboxSQL(dialect: sql.dialect)
            try await connection.run(outboxSQL.pruneNotifications(before: historyCutoff))
            try await connection.run(outboxSQL.pruneDeliveries(before: historyCutoff))
            try await connection.run(SessionSQL(dialect: sql.dialect).pruneExpired(at: now))
            let seriesSQL = SeriesSQL(dialect: sql.dialect)
            try await connection.run(seriesSQL.prune(.minute, before: now.addingTimeInterval(-SeriesResolution.minutesPrunedAfter)))
            try await connection.run(seriesSQL.prune(.hour, before: historyCutoff))
            return PruneReport(workers: workers, historyEntries: oldHistory + overLimit)
        }
    }

    /// Runs `statement`, which deletes at most ``pruneChunk`` rows, in transactions of its own until it deletes
    /// fewer; returns how many rows it deleted.
    private func deleteInChunks(_ statement: SQLStatement) async throws -> Int {
        var deleted = 0
        while true {
            let count = try await database.write { connection in try await connection.count(statement) }
            deleted += count
            if count < Self.pruneChunk { return deleted }
        }
    }

    public func holdsMaintenanceLease() async -> Bool {
        await database.holdsMaintenanceLease()
    }

    public var services: [any Service] { database.services }

    public func close() async throws {
        try await database.close()
    }
}
