import Foundation

/// The statements of expectations, and the decoding of their rows.
struct ExpectationSQL: Sendable {
    let dialect: SQLDialect

    static let columns = "scope, subject, min_running, max_running, cron, time_zone, every, grace, max_runtime, resolve_after, failures, failures_window, source, since"

    static let all = SQLStatement("SELECT \(columns) FROM expectations ORDER BY scope, subject")

    /// The expectations that judge a worker `id` in `group`: its own and its groups' (the store picks the nearest per setting).
    func covering(worker id: String, inGroup group: String) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        let groups = Subject.groupAndAncestors(group).map { builder.parameter(.text($0)) }.joined(separator: ", ")
        return SQLStatement(
            "SELECT \(Self.columns) FROM expectations WHERE (scope = 'group' AND subject IN (\(groups))) OR (scope = 'worker' AND subject = \(builder.parameter(.text(id))))",
            builder.values)
    }

    func upsert(_ expectation: Expectation) -> SQLStatement {
        let p = dialect.placeholder
        let names = Self.columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let updates = names.dropFirst(2).map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        var cron: String?, timeZone: String?, every: Double?
        switch expectation.schedule {
        case .cron(let expression, let zone)?: (cron, timeZone) = (expression.text, zone.name)
        case .every(let seconds)?: every = seconds
        case nil: break
        }
        return SQLStatement(
            "INSERT INTO expectations (\(Self.columns)) VALUES (\((1...names.count).map(p).joined(separator: ", "))) ON CONFLICT (scope, subject) DO UPDATE SET \(updates)",
            [.text(expectation.subject.scope), .text(expectation.subject.name), .integer(expectation.minRunning), .integer(expectation.maxRunning),
             .text(cron), .text(timeZone), .real(every), .real(expectation.grace), .real(expectation.maxRuntime), .real(expectation.resolveAfter),
             .integer(expectation.failures?.count), .real(expectation.failures?.window), .text(expectation.source.rawValue),
             .real(expectation.since.timeIntervalSince1970)])
    }

    func delete(_ subject: Subject) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement("DELETE FROM expectations WHERE scope = \(p(1)) AND subject = \(p(2))", [.text(subject.scope), .text(subject.name)])
    }

    func source(of subject: Subject) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement("SELECT source FROM expectations WHERE scope = \(p(1)) AND subject = \(p(2))", [.text(subject.scope), .text(subject.name)])
    }

    static let deleteFromFile = SQLStatement("DELETE FROM expectations WHERE source = 'file'")

    /// The newest start of a run at or below `group` (any worker's, whatever its status now): the group's own
    /// newest is one step down the `(grp, run_started_at)` index, its descendants' a range of it. (One `OR` of the
    /// two would read every worker of the group.)
    func lastStart(inGroup group: String) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        let own = builder.parameter(.text(group))
        let below = builder.below(group)
        return SQLStatement(
            "SELECT MAX(started) AS started FROM (SELECT MAX(run_started_at) AS started FROM workers WHERE grp = \(own) UNION ALL "
                + "SELECT MAX(run_started_at) FROM workers WHERE \(below)) AS starts",
            builder.values)
    }

    func lastStart(ofWorker id: String) -> SQLStatement {
        SQLStatement("SELECT MAX(run_started_at) AS started FROM workers WHERE id = \(dialect.placeholder(1))", [.text(id)])
    }

    /// Running workers at or below `group` whose run started before `cutoff`, with their group (the overrun candidates).
    func runningSince(before cutoff: Date, inGroup group: String) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        builder.add("status = 'running'")
        builder.add("run_started_at < \(builder.parameter(.real(cutoff.timeIntervalSince1970)))")
        builder.addGroup(.subtree(group))
        return SQLStatement("SELECT id, grp, run_started_at FROM workers \(builder.whereClause)", builder.values)
    }

    func runningSince(before cutoff: Date, worker id: String) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement("SELECT id, grp, run_started_at FROM workers WHERE status = 'running' AND run_started_at < \(p(1)) AND id = \(p(2))",
                            [.real(cutoff.timeIntervalSince1970), .text(id)])
    }

    // MARK: Rows

    static func expectation(from row: any SQLRow) throws -> Expectation {
        var schedule: Schedule?
        if let cron = try row.optionalText("cron") {
            let zoneName = try row.optionalText("time_zone") ?? "UTC"
            guard let zone = TimeZone(identifier: zoneName) else { throw StoreError.badColumn("time_zone", "'\(zoneName)'", expected: "a time zone") }
            do {
                schedule = .cron(try CronExpression(parsing: cron), zone)
            } catch {
                throw StoreError.badColumn("cron", "'\(cron)'", expected: "a cron expression")
            }
        } else if let every = try row.optionalDouble("every") {
            schedule = .every(seconds: every)
        }
        let sourceName = try row.text("source")
        guard let source = ExpectationSource(rawValue: sourceName) else { throw StoreError.badColumn("source", "'\(sourceName)'", expected: "'api' or 'file'") }
        let failures = try row.optionalInt("failures").map { FailureThreshold(count: $0, window: try row.optionalDouble("failures_window") ?? 0) }
        return Expectation(
            subject: try ProblemRow.subject(row), minRunning: try row.optionalInt("min_running"), maxRunning: try row.optionalInt("max_running"),
            schedule: schedule, grace: try row.double("grace"), maxRuntime: try row.optionalDouble("max_runtime"),
            resolveAfter: try row.optionalDouble("resolve_after"), failures: failures, source: source, since: try row.date("since"))
    }
}
