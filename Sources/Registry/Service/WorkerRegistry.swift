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

    /// Creates settings.
    public init(
        defaultTTL: Double = 0, retention: RetentionPolicy = RetentionPolicy(), sweepInterval: Duration = .seconds(5), pruneInterval: Duration = .seconds(60),
        capacity: CapacityLimits = .defaults
    ) {
        self.defaultTTL = defaultTTL
        self.retention = retention
        self.sweepInterval = sweepInterval
        self.pruneInterval = pruneInterval
        self.capacity = capacity
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
    private let capacity: CapacityGate
    /// The reload of ``capacity`` under way, which concurrent callers share.
    private let capacityReload = Mutex<Task<Void, any Error>?>(nil)

    /// Creates a registry over `store`; `onCommit` hears of every committed transaction (its event count and
    /// duration), `onCommitFailure` of every transaction that failed (its events answered with the error).
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
        self.committer = EventCommitter(
            store: store,
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
        guard !events.isEmpty else { return [] }
        return try await committer.commit(events)
    }

    /// Records the events sent with the key named `key` that the capacity limits let in (``CapacityLimits``; events
    /// sent without a key share the name `""`); returns when they are committed, with each event's outcome or the
    /// limit that refused it.
    public func record(_ events: [WorkerEvent], by key: String) async throws -> [Result<EventOutcome, CapacityRefusal>] {
        if !capacity.isLoaded { try await reloadCapacity() }
        let admission = try await capacity.admit(events, key: key, now: clock.now()) { ids in
            Set(try await store.groups(ofWorkers: ids).keys)
        }
        let admitted = zip(events, admission.refusals).compactMap { $1 == nil ? $0 : nil }
        var created = 0
        defer { capacity.settle(admission, created: created) }
        var outcomes = try await record(admitted).makeIterator()
        return admission.refusals.map { refusal in
            if let refusal { return .failure(refusal) }
            let outcome = outcomes.next()!
            if outcome.created { created += 1 }
            return .success(outcome)
        }
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
        try await store.workers(query, liveness: liveness())
    }

    /// How many workers match `query`'s filters.
    public func countWorkers(_ query: WorkerQuery) async throws -> Int {
        try await store.countWorkers(query, liveness: liveness())
    }

    /// A worker with its recent messages, errors and state changes; `nil` when unknown.
    public func detail(ofWorker id: String) async throws -> WorkerDetail? {
        guard let worker = try await store.worker(id: id, liveness: liveness()) else { return nil }
        let messages = try await store.history(HistoryQuery(workerID: id, events: [.message], limit: Self.detailLength))
        let errors = try await store.history(HistoryQuery(workerID: id, events: [.error], limit: Self.detailLength))
        let changes = try await store.history(HistoryQuery(workerID: id, stateChangesOnly: true, limit: Self.detailLength))
        return WorkerDetail(worker: worker, messages: messages, errors: errors, history: changes)
    }

    /// The domain tree with counts per status and open problems at every node.
    public func domainTree() async throws -> DomainNode {
        DomainNode.tree(from: try await store.groupCounts(liveness: liveness()), problems: try await store.openProblemCounts())
    }

    /// When the newest event was received; `nil` before the first one.
    public func newestEventTime() async throws -> Date? {
        try await store.newestEventTime()
    }

    /// What Prometheus sees: counts, counters, known groups and, with `includeWorkers`, each worker's last-seen time.
    public func metricsSnapshot(includeWorkers: Bool) async throws -> MetricsSnapshot {
        try await store.metricsSnapshot(liveness: liveness(), includeWorkers: includeWorkers)
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
        let removed = try await store.removeWorker(id: id, now: clock.now())
        if removed { capacity.removed(workers: 1) }
        return removed
    }

    /// Records lost workers in their history; returns how many were newly lost.
    public func recordLostWorkers() async throws -> Int {
        try await store.recordLostWorkers(liveness: liveness())
    }

    /// Opens and resolves what the expectations call for now; returns how many problems changed.
    public func checkExpectations() async throws -> Int {
        try await store.checkExpectations(liveness: liveness())
    }

    /// Removes what the retention policy no longer keeps.
    public func prune() async throws -> PruneReport {
        let report = try await store.prune(settings.retention, now: clock.now())
        capacity.removed(workers: report.workers)
        return report
    }

    /// Writes everything queued, then closes the store.
    public func shutdown() async throws {
        await committer.drain()
        try await store.close()
    }
}
