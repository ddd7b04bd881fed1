import Foundation

/// What a heartbeat of a running worker is checked against in memory: the parts of its record a heartbeat could
/// change or must agree with, and when the store last heard of it.
struct LiveWorker: Sendable {
    var group: String
    /// When the run started (a running worker's status began then too).
    var runStartedAt: Date
    var lastSeen: Date
    var lastReceivedAt: Date
    /// The newest receipt the store holds (committed or flushed): the deadline readers of the store see.
    var storedReceivedAt: Date
    var ttl: Double?
    var host: String?
    var pid: Int?
    var version: String?
    var labels: [String: String]
    /// Heartbeats applied here and not yet written.
    var unwrittenBeats = 0

    /// The record of `worker`, as the store holds it now.
    init(_ worker: Worker) {
        group = worker.group
        runStartedAt = worker.runStartedAt
        lastSeen = worker.lastSeen
        lastReceivedAt = worker.lastReceivedAt
        storedReceivedAt = worker.lastReceivedAt
        ttl = worker.ttl
        host = worker.host
        pid = worker.pid
        version = worker.version
        labels = worker.labels
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
        if let ttl = event.ttl, ttl != self.ttl { return false }
        if let host = event.host, host != self.host { return false }
        if let pid = event.pid, pid != self.pid { return false }
        if let version = event.version, version != self.version { return false }
        if let labels = event.labels, labels != self.labels { return false }
        if event.ttl == nil, event.ttlFromIntervals, event.at > lastSeen,
            min(WorkerTransition.intervalsPerTTL * event.at.timeIntervalSince(lastSeen), Limits.maxTTL) > (ttl ?? 0)
        {
            return false
        }
        let ttl = ttl ?? liveness.defaultTTL
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
