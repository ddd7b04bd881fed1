import Foundation

/// One pass of the expectation rules, in a read: asks the store what the rules need
/// (running counts from the tree, the newest start of each schedule's subject, long runs) and hands it to
/// ``ExpectedProblems``.
struct ExpectationSweep {
    let expectations: [Expectation]
    let index: ExpectationIndex
    let tree: DomainNode
    let connection: any SQLConnection
    let sql: ExpectationSQL
    let workerSQL: WorkerSQL
    let liveness: Liveness
    /// The groups of the workers the sweep looked up, for their problems' `group`.
    private var workerGroups: [String: String] = [:]

    init(expectations: [Expectation], tree: DomainNode, connection: any SQLConnection, dialect: SQLDialect, liveness: Liveness) {
        self.expectations = expectations
        self.index = ExpectationIndex(expectations)
        self.tree = tree
        self.connection = connection
        self.sql = ExpectationSQL(dialect: dialect)
        self.workerSQL = WorkerSQL(dialect: dialect)
        self.liveness = liveness
    }

    /// What the sweep should write: problems to resolve (by id, with why) and to open.
    struct Changes {
        var resolve: [(id: Int64, resolution: String)] = []
        var open: [Problem] = []
        var isEmpty: Bool { resolve.isEmpty && open.isEmpty }
    }

    /// The problems to open and resolve: those of ``ExpectedProblems/kinds`` called for now and not open yet, those
    /// open and no longer called for, and ephemeral workers' problems past `resolve_after`.
    mutating func changes() async throws -> Changes {
        let called = try await problemsCalledFor()
        let problemSQL = ProblemSQL(dialect: sql.dialect)
        var changes = Changes()
        var open: Set<ProblemKey> = []
        for problem in try await connection.rows(problemSQL.openProblems(kinds: ExpectedProblems.kinds), { try ProblemRow.problem(from: $0) }) {
            open.insert(ProblemKey(problem))
            if called[ProblemKey(problem)] == nil {
                changes.resolve.append((problem.id, stillExpects(problem) ? ExpectedProblems.resolution(of: problem.kind) : "the expectation changed"))
            }
        }
        changes.open = called.filter { !open.contains($0.key) }.sorted { $0.key < $1.key }.map(\.value)
        changes.resolve += try await ephemeralResolutions(problemSQL)
        return changes
    }

    /// Every problem of ``ExpectedProblems/kinds`` the expectations call for now, by subject and kind.
    private mutating func problemsCalledFor() async throws -> [ProblemKey: Problem] {
        var called: [ProblemKey: Problem] = [:]
        func add(_ problem: Problem?) { if let problem { called[ProblemKey(problem)] = problem } }
        let now = liveness.now
        for expectation in expectations {
            let group = try await group(of: expectation.subject)
            if expectation.minRunning != nil || expectation.maxRunning != nil {
                add(ExpectedProblems.forRunning(expectation, running: try await running(expectation.subject), group: group, now: now))
            }
            if expectation.schedule != nil {
                let statement = switch expectation.subject {
                case .group(let path): sql.lastStart(inGroup: path)
                case .worker(let id): sql.lastStart(ofWorker: id)
                }
                let lastStart = try await connection.rows(statement) { try $0.optionalDate("started") }.first ?? nil
                ExpectedProblems.forSchedule(expectation, lastStart: lastStart, group: group, now: now).forEach(add)
            }
            if let maxRuntime = expectation.maxRuntime {
                let cutoff = now.addingTimeInterval(-maxRuntime)
                let statement = switch expectation.subject {
                case .group(let path): sql.runningSince(before: cutoff, inGroup: path)
                case .worker(let id): sql.runningSince(before: cutoff, worker: id)
                }
                let runs = try await connection.rows(statement) { (id: try $0.text("id"), group: try $0.text("grp"), started: try $0.date("run_started_at")) }
                for run in runs where index.nearest(toWorker: run.id, inGroup: run.group, setting: { $0.maxRuntime != nil })?.subject == expectation.subject {
                    add(ExpectedProblems.forRuntime(worker: run.id, group: run.group, runStartedAt: run.started, maxRuntime: maxRuntime, now: now))
                }
            }
        }
        return called
    }

    /// `true` when an expectation still sets what opened `problem` (so its resolution is its cause going, not the expectation changing).
    private func stillExpects(_ problem: Problem) -> Bool {
        switch problem.kind {
        case .degraded, .down: expectations.contains { $0.subject == problem.subject && ($0.minRunning != nil || $0.maxRunning != nil) }
        case .late, .missed: expectations.contains { $0.subject == problem.subject && $0.schedule != nil }
        case .overrun:
            if case .worker(let id) = problem.subject { index.nearest(toWorker: id, inGroup: problem.group) { $0.maxRuntime != nil } != nil } else { false }
        case .lost, .failed: true
        }
    }

    /// The `lost` and `failed` problems of ephemeral workers whose nearest `resolve_after` passed.
    private func ephemeralResolutions(_ problemSQL: ProblemSQL) async throws -> [(id: Int64, resolution: String)] {
        guard expectations.contains(where: { $0.resolveAfter != nil }) else { return [] }
        var resolutions: [(id: Int64, resolution: String)] = []
        for problem in try await connection.rows(problemSQL.openProblems(kinds: [.lost, .failed]), { try ProblemRow.problem(from: $0) }) {
            guard case .worker(let id) = problem.subject,
                let after = index.nearest(toWorker: id, inGroup: problem.group, setting: { $0.resolveAfter != nil })?.resolveAfter,
                liveness.now.timeIntervalSince(problem.openedAt) >= after
            else { continue }
            resolutions.append((problem.id, "an ephemeral instance: resolve_after \(DurationText.text(seconds: after)) passed"))
        }
        return resolutions
    }

    /// Running workers at or below a group (from the tree), or 1 or 0 for a worker.
    private func running(_ subject: Subject) async throws -> Int {
        switch subject {
        case .group(let path):
            return tree.node(at: path)?.counts.running ?? 0
        case .worker(let id):
            let worker = try await connection.rows(workerSQL.worker(id: id, liveness: liveness)) { try WorkerSQL.worker(from: $0, statusColumn: WorkerSQL.liveStatus) }.first
            return worker?.status == .running ? 1 : 0
        }
    }

    /// A group subject's path; a worker subject's group as stored (empty for a worker never seen).
    private mutating func group(of subject: Subject) async throws -> String {
        switch subject {
        case .group(let path):
            return path
        case .worker(let id):
            if let group = workerGroups[id] { return group }
            let group = try await connection.rows(workerSQL.groups(ofWorkers: [id])) { try $0.text("grp") }.first ?? ""
            workerGroups[id] = group
            return group
        }
    }
}
