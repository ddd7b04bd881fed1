import Foundation
import Synchronization

/// Settings of the registry's rules, from the server's configuration.
public struct RegistrySettings: Sendable, Equatable {
    /// TTL of workers that send none, in seconds; 0 means they never expire (the seed's behaviour).
    public var defaultTTL: Double
    /// What is kept and for how long.
    public var retention: RetentionPolicy
    /// How often lost workers are recorded in their history.
    public var sweepInterval: Duration
    /// How often retention clean-up runs.
    public var pruneInterval: Duration
    /// How many groups and workers are kept, and how fast one key may create groups.
    public var capacity: CapacityLimits
    /// How often heartbeats that change no state, answered from memory, are written to the store; `nil` writes
    /// every heartbeat before answering it.
    public var heartbeatFlush: Duration?
    /// How old the counts per group and status kept in memory may grow when no write of this process changed them
    /// (deadlines pass meanwhile, and other replicas write); 0 reads them for every request.
    public var countsMaxAge: Duration

    /// Creates settings.
    public init(
        defaultTTL: Double = 0, retention: RetentionPolicy = RetentionPolicy(), sweepInterval: Duration = .seconds(5), pruneInterval: Duration = .seconds(60),
        capacity: CapacityLimits = .defaults, heartbeatFlush: Duration? = nil, countsMaxAge: Duration = .seconds(1)
    ) {
        self.defaultTTL = defaultTTL
        self.retention = retention
        self.sweepInterval = sweepInterval
        self.pruneInterval = pruneInterval
        self.capacity = capacity
        self.heartbeatFlush = heartbeatFlush
        self.countsMaxAge = countsMaxAge
    }
}

/// A worker with what it said recently: the answer to "what is this worker doing?".
public struct WorkerDetail: Sendable, Equatable, Codable {
    public var worker: Worker
    /// Its recent status messages, newest first.
    public var messages: [HistoryEntry]
    /// Its recent errors, newest first.
    public var errors: [HistoryEntry]
    /// Its recent state changes (started, stopped, failed, lost, back to running), newest first.
    public var history: [HistoryEntry]
}

/// The registry: records events through group commit and answers queries with liveness applied.
///
/// ```swift
/// let store = SQLStore(database: try await SQLiteDatabase.open(path: "data/wokmanager.sqlite"))
/// let registry = WorkerRegistry(store: store, settings: RegistrySettings(defaultTTL: 60))
/// let outcomes = try await registry.record([event], by: "ci-key")  // each an outcome or the limit that refused it
/// let running = try await registry.workers(WorkerQuery(statuses: [.running]))
/// ```
public final class WorkerRegistry: Sendable {
    /// How many recent messages, errors and state changes a worker's detail shows.
    public static let detailLength = 20

    /// Where state is kept.
    public let store: any WorkerStore
    /// The rules' settings.
    public let settings: RegistrySettings
    /// The clock liveness and retention are judged by.
    public let clock: WallClock
    /// When this registry started; every worker gets one TTL of grace from here.
    public let startedAt: Date
    private let committer: EventCommitter
    /// The heartbeats answered from memory, when ``RegistrySettings/heartbeatFlush`` is set.
    private let heartbeats: HeartbeatBuffer?
    /// The counts per group and status between the writes that change them.
    private let counts: CountsView
    /// The last domain tree built, with the counts and open problems it was built from: readers of the same counts
    /// share one tree (building it for 10,000 groups was half of the page's time).
    private let lastTree = Mutex<(counts: [GroupCount], problems: [ProblemCount], tree: DomainNode)?>(nil)
    private let capacity: CapacityGate
    /// The reload of ``capacity`` under way, which concurrent callers share.
    private let capacityReload = Mutex<Task<Void, any Error>?>(nil)

    /// Creates a registry over `store`; `onCommit` hears of every committed transaction (its event count, or the
    /// workers a heartbeat flush wrote, and its duration), `onCommitFailure` of every transaction that failed (its
    /// events answered with the error).
    public init(
        store: any WorkerStore, settings: RegistrySettings = RegistrySettings(), clock: WallClock = .system,
        onCommit: @escaping @Sendable (_ events: Int, _ duration: Duration) -> Void = { _, _ in },
        onCommitFailure: @escaping @Sendable (any Error) -> Void = { _ in }
    ) {
        let startedAt = clock.now()
        self.store = store
        self.settings = settings
        self.clock = clock
        self.startedAt = startedAt
        self.capacity = CapacityGate(limits: settings.capacity)
        let heartbeats = settings.heartbeatFlush.map { HeartbeatBuffer(flushInterval: $0.inSeconds) }
        self.heartbeats = heartbeats
        let counts = CountsView(maxAge: settings.countsMaxAge.inSeconds)
        self.counts = counts
        self.committer = EventCommitter(
            store: store, heartbeats: heartbeats, counts: counts,
            liveness: { Liveness(now: clock.now(), graceStart: startedAt, defaultTTL: settings.defaultTTL) },
            onCommit: onCommit, onFailure: onCommitFailure)
    }

    /// The liveness rule as of now.
    public func liveness() -> Liveness {
        Liveness(now: clock.now(), graceStart: startedAt, defaultTTL: settings.defaultTTL)
    }

    /// Records events durably, held to no limit (``record(_:by:)`` is what clients' events go through); returns
    /// when they are committed, with each one's outcome.
    public func record(_ events: [WorkerEvent]) async throws -> [EventOutcome] {
        let absorbed = absorb(events)
        var committed = try await commit(zip(events, absorbed).compactMap { $1 == nil ? $0 : nil }).makeIterator()
        return absorbed.map { $0 ?? committed.next()! }
    }

    /// Each event's outcome when the heartbeat buffer answered it, `nil` for those to commit (now in flight).
    private func absorb(_ events: [WorkerEvent]) -> [EventOutcome?] {
        heartbeats?.absorb(events, liveness: liveness()) ?? Array(repeating: nil, count: events.count)
    }

    private func commit(_ events: [WorkerEvent]) async throws -> [EventOutcome] {
        events.isEmpty ? [] : try await committer.commit(events)
    }

    /// Records the events sent with the key named `key` that the capacity limits let in (``CapacityLimits``; events
    /// sent without a key share the name `""`); returns when they are committed, with each event's outcome or the
    /// limit that refused it.
    public func record(_ events: [WorkerEvent], by key: String) async throws -> [Result<EventOutcome, CapacityRefusal>] {
        let absorbed = absorb(events)
        let written = zip(events, absorbed).compactMap { $1 == nil ? $0 : nil }
        let admission: CapacityGate.Admission
        do {
            if !capacity.isLoaded { try await reloadCapacity() }
            admission = try await capacity.admit(written, key: key, now: clock.now()) { ids in
                Set(try await store.groups(ofWorkers: ids).keys)
            }
        } catch {
            heartbeats?.release(written)
            throw error
        }
        heartbeats?.release(zip(written, admission.refusals).compactMap { $1 == nil ? nil : $0 })
        var created = 0
        defer { capacity.settle(admission, created: created) }
        var outcomes = try await commit(zip(written, admission.refusals).compactMap { $1 == nil ? $0 : nil }).makeIterator()
        var refusals = admission.refusals.makeIterator()
        return absorbed.map { absorbed in
            if let absorbed { return .success(absorbed) }
            if let refusal = refusals.next()! { return .failure(refusal) }
            let outcome = outcomes.next()!
            if outcome.created { created += 1 }
            return .success(outcome)
        }
    }

    /// Reads the records of the running workers into the heartbeat buffer, 10,000 a read, so their heartbeats after
    /// a start are answered from memory without waiting for a first write each; returns how many it read.
    @discardableResult
    public func loadHeartbeatRecords() async throws -> Int {
        guard let heartbeats else { return 0 }
        heartbeats.beginLoading()
        defer { heartbeats.endLoading() }
        var after = "", loaded = 0
        while true {
            let page = try await store.runningWorkers(after: after, limit: 10_000)
            heartbeats.load(page)
            loaded += page.count
            guard page.count == 10_000, let last = page.last else { return loaded }
            after = last.id
        }
    }

    /// How many workers have heartbeats answered from memory and not yet written.
    public var unwrittenHeartbeats: Int { heartbeats?.unwritten ?? 0 }

    /// Writes the heartbeats answered from memory so far (``RegistrySettings/heartbeatFlush``).
    public func flushHeartbeats() async throws {
        if heartbeats != nil { try await committer.writeHeartbeats() }
    }

    /// How many groups and workers are kept now, against the limits.
    public func capacityUsage() async throws -> CapacityUsage {
        if !capacity.isLoaded { try await reloadCapacity() }
        return capacity.usage
    }

    /// Reads the stored groups and the number of stored workers again (after retention, or other replicas' writes);
    /// callers during a reload wait for that one.
    public func reloadCapacity() async throws {
        let task = capacityReload.withLock { current in
            if let current { return current }
            let started = Task { [capacity, store] in
                capacity.beginReload()
                let stored = try await store.capacityCounts()
                capacity.finishReload(groups: stored.groups, workers: stored.workers)
            }
            current = started
            return started
        }
        defer { capacityReload.withLock { if $0 == task { $0 = nil } } }
        try await task.value
    }

    /// The group each of `ids` is stored in now; ids with no worker are absent.
    public func groups(ofWorkers ids: Set<String>) async throws -> [String: String] {
        try await store.groups(ofWorkers: ids)
    }

    /// Why `push` from `workerID` may not be written (a name's type, the series limit), or `nil`.
    public func refusal(of push: MetricPush, from workerID: String) async throws -> EventValidationError? {
        guard push.method != .delete else { return nil }
        let state = try await store.pushedState(workerID: workerID, names: push.families.map(\.name))
        return push.refusal(given: state, maxSeries: Limits.pushedSeries)
    }

    /// One page of workers.
    public func workers(_ query: WorkerQuery) async throws -> PagedWorkers {
        var page = try await store.workers(query, liveness: liveness())
        if let heartbeats { page.workers = heartbeats.overlay(page.workers) }
        return page
    }

    /// How many workers match `query`'s filters.
    public func countWorkers(_ query: WorkerQuery) async throws -> Int {
        try await store.countWorkers(query, liveness: liveness())
    }

    /// A worker with its recent messages, errors and state changes; `nil` when unknown.
    public func detail(ofWorker id: String) async throws -> WorkerDetail? {
        guard var worker = try await store.worker(id: id, liveness: liveness()) else { return nil }
        if let heartbeats { worker = heartbeats.overlay([worker])[0] }
        let messages = try await store.history(HistoryQuery(workerID: id, events: [.message], limit: Self.detailLength))
        let errors = try await store.history(HistoryQuery(workerID: id, events: [.error], limit: Self.detailLength))
        let changes = try await store.history(HistoryQuery(workerID: id, stateChangesOnly: true, limit: Self.detailLength))
        return WorkerDetail(worker: worker, messages: messages, errors: errors, history: changes)
    }

    /// The domain tree with counts per status and open problems at every node.
    public func domainTree() async throws -> DomainNode {
        try await countedDomainTree().tree
    }

    /// The domain tree, and the time its counts were judged at: at most ``RegistrySettings/countsMaxAge`` ago, and
    /// after every write this registry answered.
    public func countedDomainTree() async throws -> (tree: DomainNode, countedAt: Date) {
        let shown = try await countsSnapshot()
        let problems = try await store.openProblemCounts()
        if let kept = lastTree.withLock({ $0 }), kept.counts == shown.counts, kept.problems == problems {
            return (kept.tree, shown.countedAt)
        }
        let tree = DomainNode.tree(from: shown.counts, problems: problems)
        lastTree.withLock { $0 = (shown.counts, problems, tree) }
        return (tree, shown.countedAt)
    }

    /// The counts per group and status and every group kept, from memory unless a write changed them or they
    /// grew older than ``RegistrySettings/countsMaxAge``.
    public func countsSnapshot() async throws -> CountsSnapshot {
        let now = clock.now()
        return try await counts.snapshot(now: now) { [store, startedAt, settings] in
            try await store.countsSnapshot(liveness: Liveness(now: now, graceStart: startedAt, defaultTTL: settings.defaultTTL))
        }
    }

    /// When the newest event was received; `nil` before the first one.
    public func newestEventTime() async throws -> Date? {
        try await store.newestEventTime()
    }

    /// What Prometheus sees: counts, counters, known groups and, with `includeWorkers`, each worker's last-seen time.
    public func metricsSnapshot(includeWorkers: Bool) async throws -> MetricsSnapshot {
        try await store.metricsSnapshot(liveness: liveness(), includeWorkers: includeWorkers, counts: try await countsSnapshot())
    }

    /// The numbers the workers of the groups `filter` selects report, for the status page.
    public func reportedNumbers(in filter: GroupFilter?) async throws -> ReportedNumbers {
        try await store.reportedNumbers(in: filter, liveness: liveness())
    }

    /// The error that ended the run of each failed worker in `workers`, by id (see ``Worker/endingError(among:)``);
    /// none for a run that reported no error.
    public func endingErrors(of workers: [Worker]) async throws -> [String: HistoryEntry] {
        let failed = workers.filter { $0.status == .failed }
        let errors = try await store.errors(ofWorkers: failed.map(\.id), limit: Worker.endingErrorWindow)
        var found: [String: HistoryEntry] = [:]
        for worker in failed { found[worker.id] = errors[worker.id].flatMap(worker.endingError(among:)) }
        return found
    }

    /// History entries, newest first.
    public func history(_ query: HistoryQuery) async throws -> [HistoryEntry] {
        try await store.history(query)
    }

    /// Deregisters a worker and deletes its history; `false` when it was unknown.
    public func removeWorker(id: String) async throws -> Bool {
        defer { counts.changed() }
        let removed = try await store.removeWorker(id: id, now: clock.now())
        heartbeats?.forget([id])
        if removed { capacity.removed(workers: 1) }
        return removed
    }

    /// Records lost workers in their history (after writing the heartbeats answered from memory); returns how many
    /// were newly lost.
    public func recordLostWorkers() async throws -> Int {
        try await flushHeartbeats()
        defer { counts.changed() }
        let lost = try await store.recordLostWorkers(liveness: liveness())
        heartbeats?.forget(lost)
        return lost.count
    }

    /// Opens and resolves what the expectations call for now; returns how many problems changed.
    public func checkExpectations() async throws -> Int {
        try await store.checkExpectations(liveness: liveness())
    }

    /// Removes what the retention policy no longer keeps.
    public func prune() async throws -> PruneReport {
        defer { counts.changed() }
        let report = try await store.prune(settings.retention, now: clock.now())
        capacity.removed(workers: report.workers)
        return report
    }

    /// Writes everything queued and the heartbeats answered from memory, then closes the store.
    public func shutdown() async throws {
        try? await flushHeartbeats()
        await committer.drain()
        try await store.close()
    }
}
