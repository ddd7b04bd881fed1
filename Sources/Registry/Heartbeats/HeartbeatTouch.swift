import Foundation

/// Heartbeats of one worker's run applied in memory, to be written to its record: the newest times and how many.
public struct HeartbeatTouch: Sendable, Equatable {
    /// The run they belong to: a record whose run started at another time is left alone.
    public var runStartedAt: Date
    public var lastSeen: Date
    public var lastReceivedAt: Date
    /// How many heartbeats.
    public var beats: Int

    /// Creates a touch.
    public init(runStartedAt: Date, lastSeen: Date, lastReceivedAt: Date, beats: Int) {
        self.runStartedAt = runStartedAt
        self.lastSeen = lastSeen
        self.lastReceivedAt = lastReceivedAt
        self.beats = beats
    }

    /// `true` when `worker` is still in the run these heartbeats belong to.
    public func belongs(to worker: Worker) -> Bool {
        worker.status == .running && isRun(startedAt: worker.runStartedAt)
    }

    /// `true` when these heartbeats belong to the run that started at `start` (read back from the store or not).
    public func isRun(startedAt start: Date) -> Bool {
        abs(start.timeIntervalSince(runStartedAt)) < Self.sameTime
    }

    /// `worker` with these heartbeats applied.
    public func applied(to worker: Worker) -> Worker {
        var worker = worker
        worker.lastSeen = max(worker.lastSeen, lastSeen)
        worker.lastReceivedAt = max(worker.lastReceivedAt, lastReceivedAt)
        worker.heartbeats += beats
        return worker
    }

    /// `self` followed by the later `other` of the same run.
    func merged(with other: HeartbeatTouch) -> HeartbeatTouch {
        HeartbeatTouch(runStartedAt: runStartedAt, lastSeen: max(lastSeen, other.lastSeen), lastReceivedAt: max(lastReceivedAt, other.lastReceivedAt),
                       beats: beats + other.beats)
    }

    /// Times read back from the store may differ from the written ones in the last bits of their seconds.
    static let sameTime: TimeInterval = 1e-6
}

/// What a heartbeat flush wrote.
public struct HeartbeatWrite: Sendable, Equatable {
    /// The workers whose records it updated.
    public var updated: Set<String>
    /// The workers it left because another transaction held their rows, still running in the run of their heartbeats:
    /// those wait for the next flush. The rest of those not updated are no longer running in that run.
    public var held: Set<String>

    /// Creates a result.
    public init(updated: Set<String>, held: Set<String> = []) {
        self.updated = updated
        self.held = held
    }
}
