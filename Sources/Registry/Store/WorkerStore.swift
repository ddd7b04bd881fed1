import Foundation
import ServiceLifecycle

/// Durable storage of workers and their history.
///
/// ``SQLStore`` is the one implementation, over SQLite (the default) or PostgreSQL. It applies events
/// with ``WorkerTransition`` so the rules are the same everywhere, and answers with the status as shown
/// now (`lost` derived through ``Liveness``).
public protocol WorkerStore: AttentionStore, NotificationOutbox, SessionStore, SeriesStore {
    /// Applies events in one transaction, in the given order, each to its worker's record with the heartbeats of
    /// `touches` not yet written; returns each event's transition once it is committed.
    func apply(_ events: [WorkerEvent], touches: [String: HeartbeatTouch], liveness: Liveness) async throws -> [WorkerTransition]
    /// Writes heartbeats applied in memory to the workers still running in their run, and the events they add to the
    /// counters and groups, in one transaction; returns which workers it updated and which it left to the next flush.
    func writeHeartbeats(_ touches: [String: HeartbeatTouch], tally: BatchTally) async throws -> HeartbeatWrite
    /// One page of workers matching `query`.
    func workers(_ query: WorkerQuery, liveness: Liveness) async throws -> PagedWorkers
    /// How many workers match `query`'s filters (its order and paging aside).
    func countWorkers(_ query: WorkerQuery, liveness: Liveness) async throws -> Int
    /// One worker, or `nil` when there is none with that id.
    func worker(id: String, liveness: Liveness) async throws -> Worker?
    /// Up to `limit` workers stored as running (as recorded, `lost` not derived), by id, after the id `after`.
    func runningWorkers(after: String, limit: Int) async throws -> [Worker]
    /// The group each of `ids` (one or more) is stored in now; ids with no worker are absent.
    func groups(ofWorkers ids: Set<String>) async throws -> [String: String]
    /// History entries matching `query`, newest first.
    func history(_ query: HistoryQuery) async throws -> [HistoryEntry]
    /// The newest `limit` errors of each worker in `ids`, newest first, by id, read at once (none for a worker without).
    func errors(ofWorkers ids: [String], limit: Int) async throws -> [String: [HistoryEntry]]
    /// When the newest event from any worker was received; `nil` before the first one.
    func newestEventTime() async throws -> Date?
    /// The sequence number of the newest history entry; 0 before the first.
    func newestSequence() async throws -> Int64
    /// Every group kept and how many workers there are, for the capacity limits.
    func capacityCounts() async throws -> (groups: [String], workers: Int)
    /// Workers per group and status as shown now, and every group kept, read at once.
    func countsSnapshot(liveness: Liveness) async throws -> CountsSnapshot
    /// Counts, counters, known groups and the numbers workers report for a Prometheus scrape; per-worker last-seen
    /// times and numbers when `includeWorkers`. The counts and groups are `counts` when given, else read with the rest.
    func metricsSnapshot(liveness: Liveness, includeWorkers: Bool, counts: CountsSnapshot?) async throws -> MetricsSnapshot
    /// The numbers reported by the workers of the groups `filter` selects (all when `nil`), each name summed
    /// over those groups: gauges of running workers, and counters.
    func reportedNumbers(in filter: GroupFilter?, liveness: Liveness) async throws -> ReportedNumbers
    /// What a push of the families `names` from `workerID` is checked against (``MetricPush/refusal(given:maxSeries:)``).
    func pushedState(workerID: String, names: [String]) async throws -> PushedState
    /// Deletes a worker and its history (and its pushed series), resolving its problems at `now`; `false` when there was none.
    func removeWorker(id: String, now: Date) async throws -> Bool
    /// Records a `lost` state change for every running worker past its deadline; returns their ids.
    func recordLostWorkers(liveness: Liveness) async throws -> [String]
    /// Removes what `policy` no longer keeps: old stopped workers, old history, groups with no worker left
    /// whose last event is older than the worker retention (with their error counters), and problems resolved
    /// silences ended, and notifications sent or given up (with their delivery log) longer ago than the history retention;
    /// expired sessions, and samples of a minute older than 48 hours and of an hour older than the history retention.
    func prune(_ policy: RetentionPolicy, now: Date) async throws -> PruneReport
    /// `true` when this server should run the periodic work (sweep, retention): always for a store of
    /// one server; for a shared store, on one replica at a time.
    func holdsMaintenanceLease() async -> Bool
    /// What must run in the application's service group, before the registry's own service, for the store to work.
    var services: [any Service] { get }
    /// Finishes pending work and releases the storage.
    func close() async throws
}

extension WorkerStore {
    /// Workers per group and status, as shown now.
    public func groupCounts(liveness: Liveness) async throws -> [GroupCount] {
        try await countsSnapshot(liveness: liveness).counts
    }

    /// Counts, counters, known groups and the numbers workers report, all read from the store at once.
    public func metricsSnapshot(liveness: Liveness, includeWorkers: Bool) async throws -> MetricsSnapshot {
        try await metricsSnapshot(liveness: liveness, includeWorkers: includeWorkers, counts: nil)
    }

    /// Applies events in one transaction, in the given order; returns their outcomes once it is committed.
    public func apply(_ events: [WorkerEvent], liveness: Liveness) async throws -> [EventOutcome] {
        try await apply(events, touches: [:], liveness: liveness).map(\.outcome)
    }
}
