import Foundation

/// What one event does to a worker: its new record, the history entries to store, and the outcome.
///
/// Events apply in the order of their `at`. An event older than the worker's latest state change is kept
/// in the history (marked late) but does not move the state back. This is the one place the rules live;
/// every store calls it.
public struct WorkerTransition: Sendable, Equatable {
    /// The worker after the event.
    public var worker: Worker
    /// Entries to append to the history.
    public var entries: [HistoryEntry]
    /// What the client is told.
    public var outcome: EventOutcome

    /// How many of its usual intervals a worker that learns its TTL may stay silent before it counts as lost.
    public static let intervalsPerTTL = 3.0

    /// Applies `event` to `existing` (nil for a worker never seen), judging liveness with `liveness`.
    public static func apply(_ event: WorkerEvent, to existing: Worker?, liveness: Liveness) -> WorkerTransition {
        var entries: [HistoryEntry] = []
        var worker = existing ?? newWorker(for: event)
        if let existing, let lostAt = lossBefore(event, worker: existing, liveness: liveness) {
            worker.status = .lost
            worker.statusSince = lostAt
            entries.append(HistoryEntry(lostWorker: worker, at: lostAt, receivedAt: event.receivedAt))
        }
        let late = existing != nil && event.at < lastReportedChange(of: worker)
        var newStatus: WorkerStatus?
        if !late {
            let target = targetStatus(of: event, after: worker.status)
            let startsRun = event.kind == .started || (target == .running && worker.status != .running)
            if startsRun {
                worker.runStartedAt = event.at
                worker.heartbeats = 0
                worker.exitCode = nil
                // A run's gauges end with it; counters stay, the baseline the next value is counted from.
                worker.metrics = worker.metrics.filter { WorkerMetric.isCounter($0.key) }
            }
            if event.ttl == nil, event.ttlFromIntervals, !startsRun, worker.status == .running, event.at > worker.lastSeen {
                let learned = min(Self.intervalsPerTTL * event.at.timeIntervalSince(worker.lastSeen), Limits.maxTTL)
                worker.ttl = max(worker.ttl ?? 0, learned)
            }
            if startsRun || target != worker.status || existing == nil {
                newStatus = target
                worker.status = target
                worker.statusSince = event.at
            }
            updateDescription(of: &worker, from: event)
        }
        worker.lastSeen = max(worker.lastSeen, event.at)
        worker.lastReceivedAt = max(worker.lastReceivedAt, event.receivedAt)
        updateCounters(of: &worker, from: event, late: late)
        if event.kind != .heartbeat || newStatus != nil {
            entries.append(
                HistoryEntry(workerID: worker.id, group: worker.group, event: HistoryEvent(event.kind), status: newStatus,
                             at: event.at, receivedAt: event.receivedAt, message: event.message, action: event.action,
                             exitCode: event.exitCode, late: late))
        }
        return WorkerTransition(
            worker: worker, entries: entries, outcome: EventOutcome(status: liveness.status(of: worker), late: late, created: existing == nil))
    }

    /// The time a running worker was lost before `event` arrived, if its deadline passed before the event was received.
    private static func lossBefore(_ event: WorkerEvent, worker: Worker, liveness: Liveness) -> Date? {
        guard worker.status == .running, let deadline = liveness.deadline(of: worker),
            deadline < event.receivedAt, liveness.status(of: worker) == .lost
        else { return nil }
        return deadline
    }

    /// When the worker itself last changed its state. A `lost` recorded by the server does not count:
    /// a sign of life sent before the deadline but received after it still brings the worker back.
    /// (A lost worker was running, and running always starts a run, so that time is the run's start.)
    private static func lastReportedChange(of worker: Worker) -> Date {
        worker.status == .lost ? worker.runStartedAt : worker.statusSince
    }

    private static func targetStatus(of event: WorkerEvent) -> WorkerStatus {
        if event.marksFailure { return .failed }
        return event.kind == .stopped ? .stopped : .running
    }

    /// A run that already failed (an aborted error) stays failed when it then reports its stop. A `message` or
    /// an `error` after the run ended (stopped or failed) belongs to that run: it changes neither the status nor
    /// the run. Only `started` or a `heartbeat` begins the next one. (A lost worker's run has not ended: anything
    /// it sends shows it alive.)
    private static func targetStatus(of event: WorkerEvent, after current: WorkerStatus) -> WorkerStatus {
        let runEnded = current == .stopped || current == .failed
        if runEnded && (event.kind == .message || event.kind == .error) { return current }
        let target = targetStatus(of: event)
        return target == .stopped && current == .failed ? .failed : target
    }

    private static func newWorker(for event: WorkerEvent) -> Worker {
        Worker(
            id: event.id, group: event.group, status: targetStatus(of: event), statusSince: event.at,
            runStartedAt: event.at, lastSeen: event.at, lastReceivedAt: event.receivedAt)
    }

    private static func updateDescription(of worker: inout Worker, from event: WorkerEvent) {
        worker.group = event.group
        if let ttl = event.ttl { worker.ttl = ttl }
        if let host = event.host { worker.host = host }
        if let pid = event.pid { worker.pid = pid }
        if let version = event.version { worker.version = version }
        if let labels = event.labels { worker.labels = labels }
        // An older report within the run (sent before the latest one, received after it) changes no number.
        if let metrics = event.metrics, event.at >= worker.lastSeen {
            worker.metrics = merged(worker.metrics, metrics)
        }
        if event.kind == .stopped { worker.exitCode = event.exitCode ?? 0 }
    }

    /// `reported` over `kept`; past ``Limits/metricCount`` names, the kept gauges the report left out go first, then
    /// the kept counters (whose next report then counts in full again).
    private static func merged(_ kept: [String: Double], _ reported: [String: Double]) -> [String: Double] {
        var metrics = kept.merging(reported) { $1 }
        let leftOut = kept.keys.filter { reported[$0] == nil }.sorted { (WorkerMetric.isCounter($0) ? 1 : 0, $0) < (WorkerMetric.isCounter($1) ? 1 : 0, $1) }
        for name in leftOut where metrics.count > Limits.metricCount { metrics[name] = nil }
        return metrics
    }

    private static func updateCounters(of worker: inout Worker, from event: WorkerEvent, late: Bool) {
        switch event.kind {
        case .heartbeat where !late:
            worker.heartbeats += 1
        case .message:
            if let message = event.message, worker.messageAt.map({ event.at >= $0 }) ?? true {
                worker.message = message
                worker.messageAt = event.at
            }
        case .error:
            worker.errorCount += 1
        default:
            break
        }
    }
}

/// What the registry tells a worker about an event it accepted.
public struct EventOutcome: Sendable, Equatable {
    /// The worker's status after the event.
    public var status: WorkerStatus
    /// `true` when the event was older than the worker's latest state change and only went into the history.
    public var late: Bool
    /// `true` when the event created the worker.
    public var created: Bool

    /// Creates an outcome.
    public init(status: WorkerStatus, late: Bool, created: Bool = false) {
        self.status = status
        self.late = late
        self.created = created
    }
}
