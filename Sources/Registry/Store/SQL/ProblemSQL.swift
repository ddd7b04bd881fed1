import Foundation

/// The statements of problems, expectations and silences, and the decoding of their rows.
struct ProblemSQL: Sendable {
    let dialect: SQLDialect

    // MARK: Problems

    /// Opens `problem` unless the same kind is already open for its subject; returns its id when it opened.
    func open(_ problem: Problem) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement(
            "INSERT INTO problems (kind, scope, subject, grp, opened_at, detail) VALUES (\((1...6).map(p).joined(separator: ", "))) "
                + "ON CONFLICT (scope, subject, kind) WHERE resolved_at IS NULL DO NOTHING RETURNING id",
            [.text(problem.kind.rawValue), .text(problem.subject.scope), .text(problem.subject.name), .text(problem.group),
             .real(problem.openedAt.timeIntervalSince1970), .text(problem.detail)])
    }

    /// The subjects of `scope` among `names` with open problems, in statements of at most 1,024 names (``PaddedList``).
    func openSubjects(scope: String, names: [String]) -> [SQLStatement] {
        PaddedList.chunks(of: names, limit: 1024).map { chunk in
            SQLStatement(
                "SELECT DISTINCT subject FROM problems WHERE resolved_at IS NULL AND scope = \(dialect.placeholder(1)) "
                    + "AND subject IN (\(PaddedList.placeholders(chunk.count, from: 2, dialect)))",
                [.text(scope)] + chunk.map { .text($0) })
        }
    }

    /// Resolves the open problems of `kinds` about any of `subjects` (one or more); returns them as resolved.
    func resolve(_ subjects: [Subject], kinds: Set<ProblemKind>, at now: Date, resolution: String) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        let set = "resolved_at = \(builder.parameter(.real(now.timeIntervalSince1970))), resolution = \(builder.parameter(.text(resolution)))"
        builder.add("resolved_at IS NULL")
        let matches = subjects.map { "(scope = \(builder.parameter(.text($0.scope))) AND subject = \(builder.parameter(.text($0.name))))" }
        builder.add("(\(matches.joined(separator: " OR ")))")
        builder.add("kind IN (\(kinds.sorted().map { builder.parameter(.text($0.rawValue)) }.joined(separator: ", ")))")
        return SQLStatement("UPDATE problems SET \(set) \(builder.whereClause) RETURNING \(ProblemRow.columns)", builder.values)
    }

    /// Resolves one open problem by id; returns it as resolved.
    func resolve(id: Int64, at now: Date, resolution: String) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement(
            "UPDATE problems SET resolved_at = \(p(1)), resolution = \(p(2)) WHERE id = \(p(3)) AND resolved_at IS NULL RETURNING \(ProblemRow.columns)",
            [.real(now.timeIntervalSince1970), .text(resolution), .integer(id)])
    }

    /// Acknowledges an open problem (or changes the note of an acknowledged one); returns it with whether it was already acknowledged.
    func acknowledge(id: Int64, _ acknowledgement: Acknowledgement) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement(
            "UPDATE problems SET acknowledged_by = COALESCE(acknowledged_by, \(p(1))), acknowledged_at = COALESCE(acknowledged_at, \(p(2))), "
                + "note = \(p(3)) WHERE id = \(p(4)) AND resolved_at IS NULL RETURNING \(ProblemRow.columns)",
            [.text(acknowledgement.by), .real(acknowledgement.at.timeIntervalSince1970), .text(acknowledgement.note), .integer(id)])
    }

    func problem(id: Int64) -> SQLStatement {
        SQLStatement("SELECT \(ProblemRow.columns) FROM problems WHERE id = \(dialect.placeholder(1))", [.integer(id)])
    }

    /// Open problems of `kinds`, oldest first.
    func openProblems(kinds: Set<ProblemKind>) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        builder.add("resolved_at IS NULL")
        builder.add("kind IN (\(kinds.sorted().map { builder.parameter(.text($0.rawValue)) }.joined(separator: ", ")))")
        return SQLStatement("SELECT \(ProblemRow.columns) FROM problems \(builder.whereClause) ORDER BY id", builder.values)
    }

    /// Problems matching `query`: unacknowledged before acknowledged, newest first; resolved ones after open ones.
    /// One branch per state, each newest first and limited, so listing the newest of many open problems reads a
    /// page of the `problems_unacknowledged_by_opened` (or `problems_acknowledged_by_opened`) index, not every open problem.
    func problems(_ query: ProblemQuery) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        let states: [(ProblemState, String, String)] = [
            (.open, "resolved_at IS NULL AND acknowledged_by IS NULL", "opened_at"),
            (.acknowledged, "resolved_at IS NULL AND acknowledged_by IS NOT NULL", "opened_at"),
            (.resolved, "resolved_at IS NOT NULL", "resolved_at"),
        ]
        var branches: [String] = []
        for (rank, (state, condition, newest)) in states.enumerated() where query.states.isEmpty || query.states.contains(state) {
            var branch = SQLQueryBuilder(dialect, numberingAfter: builder.values)
            branch.add(condition)
            if !query.kinds.isEmpty {
                branch.add("kind IN (\(query.kinds.sorted().map { branch.parameter(.text($0.rawValue)) }.joined(separator: ", ")))")
            }
            branch.addGroup(query.group)
            if let since = query.since {
                let at = branch.parameter(.real(since.timeIntervalSince1970))
                branch.add("(opened_at >= \(at) OR resolved_at >= \(at))")
            }
            let limit = branch.parameter(.integer(query.limit))
            branches.append(
                "SELECT * FROM (SELECT \(ProblemRow.columns), \(rank) AS state_rank, \(newest) AS newest FROM problems \(branch.whereClause) "
                    + "ORDER BY \(newest) DESC, id DESC LIMIT \(limit)) AS state\(rank)")
            builder.adopt(branch)
        }
        let limit = builder.parameter(.integer(query.limit))
        return SQLStatement(
            "SELECT \(ProblemRow.columns) FROM (\(branches.joined(separator: " UNION ALL "))) AS listed ORDER BY state_rank, newest DESC, id DESC LIMIT \(limit)",
            builder.values)
    }

    /// Open problems per group and kind, acknowledged or not, from the counts the triggers keep (summed here, as
    /// PostgreSQL may spread one count over several rows).
    static func openCounts(_ connection: any SQLConnection) async throws -> [ProblemCount] {
        let rows = try await connection.rows(openCountsStatement) { row in
            (group: try row.text("grp"), kind: try row.text("kind"), acknowledged: try row.int("acknowledged") != 0, count: try row.int("n"))
        }
        var counts: [String: ProblemCount] = [:]
        for row in rows {
            guard let kind = ProblemKind(rawValue: row.kind) else { throw StoreError.badColumn("kind", "'\(row.kind)'", expected: "a problem kind") }
            let key = row.group + "\u{0}" + kind.rawValue
            var count = counts[key] ?? ProblemCount(group: row.group, kind: kind, open: 0, acknowledged: 0)
            if row.acknowledged { count.acknowledged += row.count } else { count.open += row.count }
            counts[key] = count
        }
        return counts.values.filter { $0.open != 0 || $0.acknowledged != 0 }.sorted { ($0.group, $0.kind) < ($1.group, $1.kind) }
    }

    private static let openCountsStatement = SQLStatement(
        "SELECT grp, kind, CASE WHEN acknowledged THEN 1 ELSE 0 END AS acknowledged, n FROM problem_counts")

    /// Failed runs of a worker at or after `since`.
    func failedRuns(ofWorker id: String, since: Date) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement("SELECT COUNT(*) AS n FROM history WHERE worker_id = \(p(1)) AND status = 'failed' AND at >= \(p(2))",
                            [.text(id), .real(since.timeIntervalSince1970)])
    }

    func pruneProblems(resolvedBefore cutoff: Date) -> SQLStatement {
        SQLStatement("DELETE FROM problems WHERE resolved_at < \(dialect.placeholder(1))", [.real(cutoff.timeIntervalSince1970)])
    }

    // MARK: Silences

    /// The newest active silence covering a worker `id` in `group` (`id` nil for a group's problem).
    func silence(coveringWorker id: String?, inGroup group: String, at now: Date) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        let until = builder.parameter(.real(now.timeIntervalSince1970))
        let groups = Subject.groupAndAncestors(group).map { builder.parameter(.text($0)) }.joined(separator: ", ")
        var covers = "(scope = 'group' AND subject IN (\(groups)))"
        if let id { covers += " OR (scope = 'worker' AND subject = \(builder.parameter(.text(id))))" }
        return SQLStatement("SELECT id FROM silences WHERE until > \(until) AND (\(covers)) ORDER BY id DESC LIMIT 1", builder.values)
    }

    func insert(_ silence: Silence) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement(
            "INSERT INTO silences (scope, subject, until, note, author, created_at) VALUES (\((1...6).map(p).joined(separator: ", "))) RETURNING id",
            [.text(silence.subject.scope), .text(silence.subject.name), .real(silence.until.timeIntervalSince1970), .text(silence.note),
             .text(silence.author), .real(silence.createdAt.timeIntervalSince1970)])
    }

    /// Ends a silence now (it stays listed as ended).
    func endSilence(id: Int64, at now: Date) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement("UPDATE silences SET until = \(p(1)) WHERE id = \(p(2)) AND until > \(p(1))", [.real(now.timeIntervalSince1970), .integer(id)])
    }

    func silences(activeAt now: Date?) -> SQLStatement {
        guard let now else { return SQLStatement("SELECT id, scope, subject, until, note, author, created_at FROM silences ORDER BY id DESC") }
        return SQLStatement("SELECT id, scope, subject, until, note, author, created_at FROM silences WHERE until > \(dialect.placeholder(1)) ORDER BY id DESC",
                            [.real(now.timeIntervalSince1970)])
    }

    func pruneSilences(endedBefore cutoff: Date) -> SQLStatement {
        SQLStatement("DELETE FROM silences WHERE until < \(dialect.placeholder(1))", [.real(cutoff.timeIntervalSince1970)])
    }

    // MARK: Webhooks heard in the transaction

    /// Name, subtree and kinds of every webhook: what deciding who hears of a change needs.
    static let webhookInterests = SQLStatement("SELECT name, grp, kinds FROM webhooks ORDER BY name")

    /// The due time of the batch a new notification to `webhook` joins: the earliest not yet sent, not yet tried one
    /// still waiting for its window; none when there is no such batch.
    func openBatch(ofWebhook webhook: String, at now: Date) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement(
            "SELECT MIN(next_attempt_at) AS due FROM notifications WHERE webhook = \(p(1)) AND delivered_at IS NULL AND given_up_at IS NULL "
                + "AND attempts = 0 AND next_attempt_at > \(p(2))",
            [.text(webhook), .real(now.timeIntervalSince1970)])
    }

    // MARK: Rows

    static func silence(from row: any SQLRow) throws -> Silence {
        Silence(id: Int64(try row.int("id")), subject: try ProblemRow.subject(row), until: try row.date("until"), note: try row.optionalText("note"),
                author: try row.text("author"), createdAt: try row.date("created_at"))
    }
}
