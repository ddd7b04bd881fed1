/// The statements of the numbers workers report: the group counters a batch adds to, and the sums of the
/// gauges of running workers, read from each worker's `metrics` column with the dialect's JSON functions.
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

    /// An entry of a worker's numbers that is a gauge: its name does not end in `_total` (compared exactly, as
    /// SQLite's `LIKE` would ignore case).
    private static let isGauge = "substr(m.key, length(m.key) - 5) <> '_total'"

    static let groupCounters = SQLStatement("SELECT grp, name, total FROM group_counters ORDER BY grp, name")
    /// Counters of groups no longer known.
    static let pruneGroupCounters = SQLStatement("DELETE FROM group_counters WHERE grp NOT IN (SELECT name FROM groups)")

    /// Per group and gauge: the sum, lowest, highest and count of the latest values of its running workers,
    /// those past their deadline (lost, though not yet marked) left out.
    func groupGauges(liveness: Liveness) -> SQLStatement {
        gauges(perGroup: true, in: nil, liveness: liveness)
    }

    /// ``groupGauges(liveness:)`` over the groups `filter` selects, each name summed over them.
    func gauges(in filter: GroupFilter?, liveness: Liveness) -> SQLStatement {
        gauges(perGroup: false, in: filter, liveness: liveness)
    }

    private func gauges(perGroup: Bool, in filter: GroupFilter?, liveness: Liveness) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        let (running, entries) = runningWithNumbers(&builder, liveness)
        builder.addGroup(filter, column: "w.grp")
        let value = dialect.jsonNumber("m.value")
        let groups = builder.conditions.map { " AND " + $0 }.joined()
        let (group, keys) = perGroup ? ("w.grp", "w.grp, m.key") : ("''", "m.key")
        return SQLStatement(
            "SELECT \(group) AS grp, m.key AS name, SUM(\(value)) AS total, MIN(\(value)) AS low, MAX(\(value)) AS high, COUNT(*) AS n "
                + "FROM workers AS w, \(entries) AS m WHERE \(running)\(groups) AND \(Self.isGauge) GROUP BY \(keys) ORDER BY \(keys)",
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
        let (running, _) = runningWithNumbers(&builder, liveness)
        return SQLStatement("SELECT w.id AS id, w.grp AS grp, w.metrics AS metrics FROM workers AS w WHERE \(running) ORDER BY w.id", builder.values)
    }

    private func runningWithNumbers(_ builder: inout SQLQueryBuilder, _ liveness: Liveness) -> (condition: String, entries: String) {
        let expired = WorkerSQL.expiredWorkers(column: "id", &builder, liveness)
        return ("w.status = 'running' AND w.metrics <> '{}' AND w.id NOT IN (\(expired))", dialect.jsonEntries("w.metrics"))
    }

    static func groupCounter(from row: any SQLRow) throws -> GroupNumber {
        GroupNumber(group: try row.text("grp"), name: try row.text("name"), value: try row.double("total"))
    }

    static func groupGauge(from row: any SQLRow) throws -> GroupGauge {
        GroupGauge(
            group: try row.text("grp"), name: try row.text("name"), sum: try row.double("total"), min: try row.double("low"),
            max: try row.double("high"), workers: try row.int("n"))
    }

    static func workerNumbers(from row: any SQLRow) throws -> WorkerNumbers {
        WorkerNumbers(id: try row.text("id"), group: try row.text("grp"), metrics: try WorkerSQL.metrics(row.text("metrics")))
    }
}
