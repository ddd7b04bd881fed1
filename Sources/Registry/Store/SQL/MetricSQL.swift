/// The statements of the numbers workers report: the group counters a batch adds to, and the `metrics` columns
/// of running workers, whose gauges ``GaugeTally`` sums.
struct MetricSQL: Sendable {
    let dialect: SQLDialect

    /// Adds a batch's counter growth, in a fixed order (so concurrent writers take their row locks in the same order).
    func add(_ deltas: CounterDeltas) -> [SQLStatement] {
        let p = dialect.placeholder
        let text = "INSERT INTO group_counters (grp, name, total) VALUES (\(p(1)), \(p(2)), \(p(3))) "
            + "ON CONFLICT (grp, name) DO UPDATE SET total = group_counters.total + excluded.total"
        return deltas.totals.sorted { ($0.key.group, $0.key.name) < ($1.key.group, $1.key.name) }
            .map { SQLStatement(text, [.text($0.key.group), .text($0.key.name), .real($0.value)]) }
    }

    static let groupCounters = SQLStatement("SELECT grp, name, total FROM group_counters ORDER BY grp, name")
    /// Counters of groups no longer known.
    static let pruneGroupCounters = SQLStatement("DELETE FROM group_counters WHERE grp NOT IN (SELECT name FROM groups)")

    /// The group and numbers column of each running worker with numbers, in the groups `filter` selects, those past
    /// their deadline (lost, though not yet marked) left out: what ``GaugeTally`` sums. Read through the partial index
    /// of such workers, not by reading every worker.
    func runningNumbers(in filter: GroupFilter?, liveness: Liveness) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        let running = runningWithNumbers(&builder, liveness)
        builder.addGroup(filter, column: "w.grp")
        let groups = builder.conditions.map { " AND " + $0 }.joined()
        return SQLStatement(
            "SELECT w.grp AS grp, w.metrics AS metrics FROM workers AS w \(dialect.throughIndex("workers_with_numbers")) WHERE \(running)\(groups)",
            builder.values)
    }

    /// The group counters of the groups `filter` selects, each name summed over them.
    func counters(in filter: GroupFilter?) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        builder.addGroup(filter)
        return SQLStatement("SELECT '' AS grp, name, SUM(total) AS total FROM group_counters \(builder.whereClause) GROUP BY name ORDER BY name", builder.values)
    }

    /// Each running worker's numbers, for the per-worker series.
    func workerNumbers(liveness: Liveness) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        let running = runningWithNumbers(&builder, liveness)
        return SQLStatement(
            "SELECT w.id AS id, w.grp AS grp, w.metrics AS metrics FROM workers AS w \(dialect.throughIndex("workers_with_numbers")) WHERE \(running) ORDER BY w.id",
            builder.values)
    }

    private func runningWithNumbers(_ builder: inout SQLQueryBuilder, _ liveness: Liveness) -> String {
        let expired = WorkerSQL.expiredWorkers(column: "id", &builder, liveness)
        return "w.status = 'running' AND w.metrics <> '{}' AND w.id NOT IN (\(expired))"
    }

    static func groupCounter(from row: any SQLRow) throws -> GroupNumber {
        GroupNumber(group: try row.text("grp"), name: try row.text("name"), value: try row.double("total"))
    }

    /// Sums the gauges of ``runningNumbers(in:liveness:)``'s rows, per group or (`perGroup` false) over all of them.
    static func gauges(_ connection: any SQLConnection, _ statement: SQLStatement, perGroup: Bool) async throws -> [GroupGauge] {
        var tally = GaugeTally()
        for (group, metrics) in try await connection.rows(statement, { (try $0.text("grp"), try $0.text("metrics")) }) {
            tally.add(group: perGroup ? group : "", metrics: metrics)
        }
        return tally.gauges
    }

    static func workerNumbers(from row: any SQLRow) throws -> WorkerNumbers {
        WorkerNumbers(id: try row.text("id"), group: try row.text("grp"), metrics: try WorkerSQL.metrics(row.text("metrics")))
    }
}
