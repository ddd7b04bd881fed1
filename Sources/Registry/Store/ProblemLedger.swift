import Foundation

/// Opens, resolves and acknowledges problems inside a store transaction, and queues their notifications in
/// the same transaction: once it commits, every webhook that hears of a change will be told, even if the
/// server dies the next moment.
///
/// A change is not queued for a problem under an active silence, nor after the problem was acknowledged
/// (the acknowledgement itself is the last notification). Notifications to one webhook join the batch
/// still waiting for its window, so a burst of changes goes out as one message.
struct ProblemLedger {
    let connection: any SQLConnection
    let sql: ProblemSQL
    let outbox: OutboxSQL
    let policy: NotificationPolicy
    let now: Date
    /// Read once per transaction, at the first change.
    private var interests: [WebhookInterest]?
    /// With ``readOpenSubjects(among:)``: the subjects of those it was given that have open problems, kept up to date
    /// by ``open(_:)``; resolving others then runs no statement. `nil`: every resolve runs its statement.
    private var openSubjects: (among: Set<Subject>, open: Set<Subject>)?

    init(connection: any SQLConnection, dialect: SQLDialect, policy: NotificationPolicy, now: Date) {
        self.connection = connection
        self.sql = ProblemSQL(dialect: dialect)
        self.outbox = OutboxSQL(dialect: dialect)
        self.policy = policy
        self.now = now
    }

    /// Reads which of `subjects` have open problems, at once, so that resolving those without runs no statement:
    /// a transaction of many events that start runs resolves nothing most of the time. The sweep opens a worker's problems
    /// only under its row's lock, which this transaction holds; a late, missed or overrun problem another replica's
    /// expectation check opens meanwhile stays open until the next start, as one opened just after this commits would.
    mutating func readOpenSubjects(among subjects: Set<Subject>) async throws {
        var open = Set<Subject>()
        for (scope, make) in [("worker", Subject.worker), ("group", Subject.group)] {
            let names = subjects.filter { $0.scope == scope }.map(\.name).sorted()
            for statement in sql.openSubjects(scope: scope, names: names) {
                open.formUnion(try await connection.rows(statement) { make(try $0.text("subject")) })
            }
        }
        openSubjects = (subjects, open)
    }

    /// Opens `problem` unless one of its kind is already open for its subject; `true` when it opened.
    @discardableResult
    mutating func open(_ problem: Problem) async throws -> Bool {
        // Opened now or open already (another replica opened it since it was read): open either way.
        openSubjects?.open.insert(problem.subject)
        guard let id = try await connection.rows(sql.open(problem), { try $0.int("id") }).first else { return false }
        var opened = problem
        opened.id = Int64(id)
        try await notify(.opened, opened)
        return true
    }

    /// Resolves the open problems of `kinds` about `subject` (or any of `subjects`); returns how many.
    @discardableResult
    mutating func resolve(_ subject: Subject, kinds: Set<ProblemKind>, resolution: String) async throws -> Int {
        try await resolve([subject], kinds: kinds, resolution: resolution)
    }

    @discardableResult
    mutating func resolve(_ subjects: [Subject], kinds: Set<ProblemKind>, resolution: String) async throws -> Int {
        let subjects = openSubjects.map { known in subjects.filter { !known.among.contains($0) || known.open.contains($0) } } ?? subjects
        guard !kinds.isEmpty, !subjects.isEmpty else { return 0 }
        let resolved = try await connection.rows(sql.resolve(subjects, kinds: kinds, at: now, resolution: resolution), { try ProblemRow.problem(from: $0) })
        for problem in resolved { try await notify(.resolved, problem) }
        return resolved.count
    }

    /// Resolves one open problem; `true` when it was open.
    @discardableResult
    mutating func resolve(id: Int64, resolution: String) async throws -> Bool {
        guard let problem = try await connection.rows(sql.resolve(id: id, at: now, resolution: resolution), { try ProblemRow.problem(from: $0) }).first else { return false }
        try await notify(.resolved, problem)
        return true
    }

    /// Acknowledges an open problem; acknowledging again only changes the note. `nil` when it is not open.
    mutating func acknowledge(id: Int64, _ acknowledgement: Acknowledgement) async throws -> Problem? {
        let wasAcknowledged = try await connection.rows(sql.problem(id: id), { try ProblemRow.problem(from: $0) }).first?.acknowledgement != nil
        guard let problem = try await connection.rows(sql.acknowledge(id: id, acknowledgement), { try ProblemRow.problem(from: $0) }).first else { return nil }
        if !wasAcknowledged { try await notify(.acknowledged, problem, evenIfAcknowledged: true) }
        return problem
    }

    private mutating func notify(_ change: ProblemChange, _ problem: Problem, evenIfAcknowledged: Bool = false) async throws {
        guard evenIfAcknowledged || problem.acknowledgement == nil else { return }
        if interests == nil {
            interests = try await connection.rows(ProblemSQL.webhookInterests, WebhookInterest.init)
        }
        let listeners = interests?.filter { $0.hears(of: problem) } ?? []
        guard !listeners.isEmpty else { return }
        let workerID: String? = if case .worker(let id) = problem.subject { id } else { nil }
        let silence = try await connection.rows(sql.silence(coveringWorker: workerID, inGroup: problem.group, at: now)) { try $0.int("id") }.first
        guard silence == nil else { return }
        for listener in listeners {
            let batch = try await connection.rows(sql.openBatch(ofWebhook: listener.name, at: now)) { try $0.optionalDate("due") }.first ?? nil
            let notification = ProblemNotification(webhook: listener.name, change: change, problem: problem, createdAt: now)
            try await connection.run(try outbox.enqueue(notification, dueAt: batch ?? now.addingTimeInterval(policy.groupWindow)))
        }
    }
}

/// What a webhook hears of, as far as queueing needs to know.
struct WebhookInterest {
    let name: String
    let group: String?
    let kinds: Set<ProblemKind>

    init(row: any SQLRow) throws {
        name = try row.text("name")
        group = try row.optionalText("grp")
        kinds = Set(try row.text("kinds").split(separator: ",").compactMap { ProblemKind(rawValue: String($0)) })
    }

    func hears(of problem: Problem) -> Bool {
        Webhook.hears(of: problem, group: group, kinds: kinds)
    }
}
