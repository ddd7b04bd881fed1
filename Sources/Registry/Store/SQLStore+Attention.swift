import Foundation

/// Problems, expectations and silences (``AttentionStore``), in the same database as the workers.
extension SQLStore {
    public func problems(_ query: ProblemQuery, now: Date) async throws -> [Problem] {
        let sql = ProblemSQL(dialect: database.dialect)
        return try await database.read { connection in
            try await Self.withSilences(try await connection.rows(sql.problems(query), { try ProblemRow.problem(from: $0) }), now: now, connection, sql)
        }
    }

    public func problem(id: Int64, now: Date) async throws -> Problem? {
        let sql = ProblemSQL(dialect: database.dialect)
        return try await database.read { connection in
            try await Self.withSilences(try await connection.rows(sql.problem(id: id), { try ProblemRow.problem(from: $0) }), now: now, connection, sql).first
        }
    }

    public func acknowledge(problem id: Int64, _ acknowledgement: Acknowledgement) async throws -> Problem? {
        let dialect = database.dialect, policy = notificationPolicy
        return try await database.write { connection in
            var ledger = ProblemLedger(connection: connection, dialect: dialect, policy: policy, now: acknowledgement.at)
            return try await ledger.acknowledge(id: id, acknowledgement)
        }
    }

    public func openProblemCounts() async throws -> [ProblemCount] {
        try await database.read { connection in try await ProblemSQL.openCounts(connection) }
    }

    public func expectations() async throws -> [Expectation] {
        try await database.read { connection in try await connection.rows(ExpectationSQL.all, ExpectationSQL.expectation) }
    }

    public func setExpectation(_ expectation: Expectation) async throws {
        let sql = ExpectationSQL(dialect: database.dialect)
        try await database.write { connection in
            try await Self.refuseIfFromFile(expectation.subject, connection, sql)
            try await connection.run(sql.upsert(expectation))
        }
    }

    public func removeExpectation(_ subject: Subject) async throws -> Bool {
        let sql = ExpectationSQL(dialect: database.dialect)
        return try await database.write { connection in
            try await Self.refuseIfFromFile(subject, connection, sql)
            return try await connection.count(sql.delete(subject)) > 0
        }
    }

    public func replaceFileExpectations(_ expectations: [Expectation]) async throws {
        let sql = ExpectationSQL(dialect: database.dialect)
        try await database.write { connection in
            let kept = Dictionary(try await connection.rows(ExpectationSQL.all, ExpectationSQL.expectation).map { ($0.subject, $0) }) { first, _ in first }
            try await connection.run(ExpectationSQL.deleteFromFile)
            for var expectation in expectations {
                expectation.source = .file
                // An unchanged expectation keeps the time it was declared, so a re-read does not restart its schedule.
                if let previous = kept[expectation.subject], previous.source == .file, previous.declaresTheSame(as: expectation) {
                    expectation.since = previous.since
                }
                try await connection.run(sql.upsert(expectation))
            }
        }
    }

    public func silences(activeAt now: Date?) async throws -> [Silence] {
        let sql = ProblemSQL(dialect: database.dialect)
        return try await database.read { connection in try await connection.rows(sql.silences(activeAt: now), ProblemSQL.silence) }
    }

    public func addSilence(_ silence: Silence) async throws -> Silence {
        let sql = ProblemSQL(dialect: database.dialect)
        let id = try await database.write { connection in try await connection.rows(sql.insert(silence)) { try $0.int("id") }.first }
        var added = silence
        added.id = Int64(id ?? 0)
        return added
    }

    public func endSilence(id: Int64, now: Date) async throws -> Bool {
        let sql = ProblemSQL(dialect: database.dialect)
        return try await database.write { connection in try await connection.count(sql.endSilence(id: id, at: now)) > 0 }
    }

    /// Decides in a read (which never holds up the writer, however many expectations there are), then writes only
    /// the changes, if any. A cause that changes in between is seen by the next sweep: opening is idempotent, and
    /// resolving by id skips a problem that resolved meanwhile.
    public func checkExpectations(liveness: Liveness) async throws -> Int {
        let dialect = database.dialect, policy = notificationPolicy, countsStatement = sql.groupCounts(liveness: liveness)
        let changes = try await database.read { connection in
            let expectations = try await connection.rows(ExpectationSQL.all, ExpectationSQL.expectation)
            let tree = DomainNode.tree(from: WorkerSQL.liveCounts(try await connection.rows(countsStatement, WorkerSQL.storedCount)))
            var sweep = ExpectationSweep(expectations: expectations, tree: tree, connection: connection, dialect: dialect, liveness: liveness)
            return try await sweep.changes()
        }
        guard !changes.isEmpty else { return 0 }
        return try await database.write { connection in
            var ledger = ProblemLedger(connection: connection, dialect: dialect, policy: policy, now: liveness.now)
            var changed = 0
            for (id, resolution) in changes.resolve where try await ledger.resolve(id: id, resolution: resolution) { changed += 1 }
            for problem in changes.open where try await ledger.open(problem) { changed += 1 }
            return changed
        }
    }

    /// `problems` with the id of the newest silence muting each at `now`.
    private static func withSilences(_ problems: [Problem], now: Date, _ connection: any SQLConnection, _ sql: ProblemSQL) async throws -> [Problem] {
        guard !problems.isEmpty else { return [] }
        let silences = try await connection.rows(sql.silences(activeAt: now), ProblemSQL.silence)
        guard !silences.isEmpty else { return problems }
        return problems.map { problem in
            var problem = problem
            if problem.resolvedAt == nil {
                problem.silencedBy = silences.first { $0.subject.covers(problem) }?.id
            }
            return problem
        }
    }

    private static func refuseIfFromFile(_ subject: Subject, _ connection: any SQLConnection, _ sql: ExpectationSQL) async throws {
        if try await connection.rows(sql.source(of: subject), { try $0.text("source") }).first == ExpectationSource.file.rawValue {
            throw AttentionError.managedByFile(subject)
        }
    }
}

/// A problem's identity for the sweep: its subject and kind (one open per pair).
struct ProblemKey: Hashable, Comparable {
    let subject: Subject
    let kind: ProblemKind

    init(_ problem: Problem) {
        subject = problem.subject
        kind = problem.kind
    }

    static func < (lhs: ProblemKey, rhs: ProblemKey) -> Bool { (lhs.subject, lhs.kind) < (rhs.subject, rhs.kind) }
}
