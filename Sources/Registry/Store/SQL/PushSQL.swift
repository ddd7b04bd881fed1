/// The statements of the series workers push through the Pushgateway API: one row per worker, grouping key and
/// family (`pushed_families`), its sample lines kept as the exposition writes them.
struct PushSQL: Sendable {
    let dialect: SQLDialect

    /// What `push` does to `workerID`'s rows; `newRun` first removes the last run's.
    func apply(_ push: MetricPush, workerID: String, newRun: Bool) -> [SQLStatement] {
        let p = dialect.placeholder
        var statements: [SQLStatement] = []
        if newRun {
            statements.append(deleteWorker(id: workerID))
        }
        switch push.method {
        case .replace, .delete:
            statements.append(SQLStatement(
                "DELETE FROM pushed_families WHERE worker_id = \(p(1)) AND grouping = \(p(2))", [.text(workerID), .text(push.grouping)]))
        case .merge:
            break
        }
        let upsert = "INSERT INTO pushed_families (worker_id, grouping, name, type, help, samples, series) "
            + "VALUES (\(p(1)), \(p(2)), \(p(3)), \(p(4)), \(p(5)), \(p(6)), \(p(7))) ON CONFLICT (worker_id, grouping, name) DO UPDATE SET "
            + "type = excluded.type, help = excluded.help, samples = excluded.samples, series = excluded.series"
        for family in push.families {
            statements.append(SQLStatement(upsert, [
                .text(workerID), .text(push.grouping), .text(family.name), .text(family.type.rawValue), .text(family.help),
                .text(family.samples), .integer(family.series),
            ]))
        }
        return statements
    }

    func deleteWorker(id: String) -> SQLStatement {
        SQLStatement("DELETE FROM pushed_families WHERE worker_id = \(dialect.placeholder(1))", [.text(id)])
    }

    /// The rows of workers no longer kept.
    static let pruneOrphans = SQLStatement("DELETE FROM pushed_families WHERE worker_id NOT IN (SELECT id FROM workers)")

    /// The families of running workers, those past their deadline left out, by name (a family's lines must be
    /// together), then group, worker and grouping key. Read from the pushed rows (`CROSS JOIN` keeps SQLite to that
    /// order), not from every running worker.
    func exposed(liveness: Liveness) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        let expired = WorkerSQL.expiredWorkers(column: "id", &builder, liveness)
        return SQLStatement(
            "SELECT p.name AS name, p.type AS type, p.help AS help, p.samples AS samples, p.grouping AS grouping, w.id AS id, w.grp AS grp "
                + "FROM pushed_families AS p CROSS JOIN workers AS w "
                + "WHERE w.id = p.worker_id AND w.status = 'running' AND w.id NOT IN (\(expired)) ORDER BY p.name, w.grp, w.id, p.grouping",
            builder.values)
    }

    /// The series counts of `workerID`'s rows.
    func ownSeries(workerID: String) -> SQLStatement {
        SQLStatement("SELECT grouping, name, series FROM pushed_families WHERE worker_id = \(dialect.placeholder(1))", [.text(workerID)])
    }

    /// The types the running workers push `names` with.
    func runningTypes(of names: [String]) -> SQLStatement {
        let p = dialect.placeholder
        let list = names.indices.map { p($0 + 1) }.joined(separator: ", ")
        return SQLStatement(
            "SELECT DISTINCT p.name AS name, p.type AS type FROM pushed_families AS p JOIN workers AS w ON w.id = p.worker_id "
                + "WHERE w.status = 'running' AND p.name IN (\(list))",
            names.map { .text($0) })
    }

    static func exposedFamily(from row: any SQLRow) throws -> ExposedFamily {
        ExposedFamily(
            workerID: try row.text("id"), group: try row.text("grp"), grouping: try row.text("grouping"),
            family: PushedFamily(
                name: try row.text("name"), type: MetricType(rawValue: try row.text("type")) ?? .untyped, help: try row.text("help"),
                samples: try row.text("samples"), series: 0))
    }
}
