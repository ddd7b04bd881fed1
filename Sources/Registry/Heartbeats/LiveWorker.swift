import Foundation

/// What a heartbeat of a running worker is checked against in memory: the parts of its record a heartbeat could
/// change or must agree with, and when the store last heard of it.
///
/// A million of these stay in memory, so it keeps 96 bytes: no optionals (which pad to twice their size), and the
/// description (host, version, labels) as 64-bit hashes, seeded per process, not as texts. Two different values
/// hash alike with odds of 2^-64; a heartbeat that changed one of them would then be taken for unchanged.
struct LiveWorker: Sendable {
    var group: String
    /// When the run started (a running worker's status began then too).
    var runStartedAt: Date
    var lastSeen: Date
    var lastReceivedAt: Date
    /// The newest receipt the store holds (committed or flushed): the deadline readers of the store see.
    var storedReceivedAt: Date
    /// The TTL the worker asked for, or NaN for none (the server's default).
    private var ttl: Double
    /// The process id, or -1 for none (events with a negative one are refused).
    private var pid: Int
    private var hostHash: Int
    private var versionHash: Int
    private var labelsHash: Int
    /// Heartbeats applied here and not yet written.
    var unwrittenBeats = 0

    /// The record of `worker`, as the store holds it now.
    init(_ worker: Worker) {
        group = worker.group
        runStartedAt = worker.runStartedAt
        lastSeen = worker.lastSeen
        lastReceivedAt = worker.lastReceivedAt
        storedReceivedAt = worker.lastReceivedAt
        ttl = worker.ttl ?? .nan
        pid = worker.pid ?? -1
        hostHash = worker.host.hashValue
        versionHash = worker.version.hashValue
        labelsHash = worker.labels.hashValue
    }

    /// The heartbeats not yet written, as one touch.
    var touch: HeartbeatTouch {
        HeartbeatTouch(runStartedAt: runStartedAt, lastSeen: lastSeen, lastReceivedAt: lastReceivedAt, beats: unwrittenBeats)
    }

    /// `true` when `event` is a heartbeat that changes nothing but the last-seen time and the count: the same
    /// group and description, not late, not learning a longer TTL, and the worker not past its deadline.
    /// `margin` more must be left before the deadline the store holds (as every replica judges it, without this
    /// process's restart grace), so the store never shows it lost while the heartbeat waits to be written.
    func absorbs(_ event: WorkerEvent, liveness: Liveness, margin: TimeInterval) -> Bool {
        guard event.kind == .heartbeat, event.push == nil, event.metrics == nil, event.message == nil, event.action == nil,
            event.exitCode == nil, event.group == group, event.at >= runStartedAt
        else { return false }
        let askedTTL: Double? = ttl.isNaN ? nil : ttl
        if let ttl = event.ttl, ttl != askedTTL { return false }
        if let host = event.host, Optional(host).hashValue != hostHash { return false }
        if let pid = event.pid, pid != self.pid { return false }
        if let version = event.version, Optional(version).hashValue != versionHash { return false }
        if let labels = event.labels, labels.hashValue != labelsHash { return false }
        if event.ttl == nil, event.ttlFromIntervals, event.at > lastSeen,
            min(WorkerTransition.intervalsPerTTL * event.at.timeIntervalSince(lastSeen), Limits.maxTTL) > (askedTTL ?? 0)
        {
            return false
        }
        let ttl = askedTTL ?? liveness.defaultTTL
        guard ttl > 0 else { return true }
        // Without this process's restart grace: another replica, and its sweep, judge by their own.
        return storedReceivedAt.addingTimeInterval(ttl) > event.receivedAt.addingTimeInterval(margin)
    }

    /// Applies an absorbed heartbeat.
    mutating func absorb(_ event: WorkerEvent) {
        lastSeen = max(lastSeen, event.at)
        lastReceivedAt = max(lastReceivedAt, event.receivedAt)
        unwrittenBeats += 1
    }
}
