import Foundation
import Synchronization

/// Heartbeats that change no state, applied in memory and written to the store together (Consul's and Eureka's
/// design: renewals in memory, changes of state durable).
///
/// It knows the running workers whose last write it saw, and answers a heartbeat of one of them at once when
/// ``LiveWorker/absorbs(_:liveness:margin:)``. Every other event goes to the store: its worker is *in flight*
/// from then until its transaction commits, and its heartbeats meanwhile go to the store behind it, in order.
/// The committer hands each transaction the heartbeats of its workers still unwritten (``takeTouches(for:)``),
/// and tells the buffer what it committed (``settle(_:as:)``), in commit order.
final class HeartbeatBuffer: Sendable {
    private struct State {
        var live = ShardedDictionary<LiveWorker>()
        /// How many events of each worker are on their way to the store.
        var inFlight: [String: Int] = [:]
        /// Heartbeats of workers that went in flight before theirs were written.
        var detached: [String: HeartbeatTouch] = [:]
        /// Workers in `live` with heartbeats not yet written.
        var dirty = DirtyWorkers()
        var tally = BatchTally()
        /// The groups of `live`, so a million records share a few thousand strings.
        var groups: Set<String> = []
        /// While the records are read from the store (``beginLoading()``): the workers whose record changed since,
        /// which the rows read must not overwrite.
        var changedWhileLoading: Set<String>?

        mutating func know(_ id: String, _ worker: Worker) {
            var record = LiveWorker(worker)
            record.group = groups.insert(worker.group).memberAfterInsert
            live[id] = record
        }

        mutating func changed(_ id: String) {
            changedWhileLoading?.insert(id)
        }
    }

    /// How much longer than the deadline the store holds a worker's heartbeat may wait unwritten.
    let margin: TimeInterval
    /// Most workers with heartbeats unwritten: past it, heartbeats are written before their answer, as when the
    /// flushes fall behind (more workers heartbeating than the store can write in an interval) the buffer would
    /// otherwise grow without bound, and what a crash loses with it.
    let maxUnwritten: Int
    private let state = Mutex(State())

    /// A buffer flushed every `flushInterval` seconds.
    init(flushInterval: TimeInterval, maxUnwritten: Int = 20_000) {
        margin = 2 * flushInterval
        self.maxUnwritten = maxUnwritten
    }

    /// Each event's outcome when it was applied here, `nil` for the events that must go to the store (now in flight).
    func absorb(_ events: [WorkerEvent], liveness: Liveness) -> [EventOutcome?] {
        state.withLock { state in
            events.map { event in
                if state.inFlight[event.id] == nil, var worker = state.live[event.id],
                    state.dirty.count + state.detached.count < maxUnwritten || state.dirty.contains(event.id),
                    worker.absorbs(event, liveness: liveness, margin: margin)
                {
                    worker.absorb(event)
                    state.live[event.id] = worker
                    state.dirty.insert(event.id)
                    state.tally.add(event)
                    return EventOutcome(status: .running, late: false)
                }
                state.inFlight[event.id, default: 0] += 1
                if let worker = state.live.removeValue(forKey: event.id), worker.unwrittenBeats > 0 {
                    state.dirty.remove(event.id)
                    state.detached[event.id] = state.detached[event.id].map { $0.merged(with: worker.touch) } ?? worker.touch
                }
                return nil
            }
        }
    }

    /// The unwritten heartbeats of `ids`, for the transaction writing their events.
    func takeTouches(for ids: Set<String>) -> [String: HeartbeatTouch] {
        state.withLock { state in
            var touches: [String: HeartbeatTouch] = [:]
            for id in ids { touches[id] = state.detached.removeValue(forKey: id) }
            return touches
        }
    }

    /// `events` are committed, leaving `workers` (one per event, in order): their workers are no longer in
    /// flight, and a running one is known again from its last record.
    func settle(_ events: [WorkerEvent], as workers: [Worker]) {
        state.withLock { state in
            var last: [String: Worker] = [:]
            for (event, worker) in zip(events, workers) {
                Self.land(event.id, &state)
                last[event.id] = worker
                state.changed(event.id)
            }
            for (id, worker) in last where state.inFlight[id] == nil && worker.status == .running {
                state.know(id, worker)
            }
        }
    }

    /// `events` will not be written (refused, or their transaction failed), nor `touches` taken for them.
    func release(_ events: [WorkerEvent], touches: [String: HeartbeatTouch] = [:]) {
        state.withLock { state in
            for event in events { Self.land(event.id, &state) }
            for (id, touch) in touches { Self.keep(touch, of: id, &state) }
        }
    }

    /// The running workers' records are about to be read from the store (after a start, so their heartbeats need
    /// not wait for a first write each): changes from now on win over the rows read.
    func beginLoading() {
        state.withLock { $0.changedWhileLoading = [] }
    }

    /// Running workers read from the store; those known already, in flight, or changed since loading began are left.
    func load(_ workers: [Worker]) {
        state.withLock { state in
            for worker in workers where worker.status == .running && state.live[worker.id] == nil && state.inFlight[worker.id] == nil
                && state.changedWhileLoading?.contains(worker.id) != true
            {
                state.know(worker.id, worker)
            }
        }
    }

    /// Loading is done.
    func endLoading() {
        state.withLock { $0.changedWhileLoading = nil }
    }

    /// Takes up to `limit` unwritten heartbeats (those waiting longest), and the tally of all so far, for one
    /// transaction of a flush.
    func takeFlush(limit: Int) -> (touches: [String: HeartbeatTouch], tally: BatchTally) {
        state.withLock { state in
            var touches: [String: HeartbeatTouch] = [:]
            touches.reserveCapacity(min(limit, state.dirty.count))
            while touches.count < limit, let id = state.dirty.popLongestWaiting() {
                touches[id] = state.live[id]!.touch
                state.live[id]!.unwrittenBeats = 0
            }
            // Those of workers in flight too: a flush runs in the committer's queue, so their transaction (later in
            // it) reads the record with these written, and the sweep's flush leaves none of them out.
            for (id, touch) in state.detached where touches.count < limit {
                touches[id] = touches[id].map { $0.isRun(startedAt: touch.runStartedAt) ? touch.merged(with: $0) : $0 } ?? touch
                state.detached[id] = nil
            }
            defer { state.tally = BatchTally() }
            return (touches, state.tally)
        }
    }

    /// A flush of `touches` did what `written` says: the workers it left wait for the next flush; those neither updated
    /// nor left are no longer running in that run (another replica changed them, or they were removed) and are
    /// forgotten here.
    func flushed(_ touches: [String: HeartbeatTouch], _ written: HeartbeatWrite) {
        state.withLock { state in
            for (id, touch) in touches {
                if written.held.contains(id) {
                    Self.keep(touch, of: id, &state)
                    continue
                }
                guard written.updated.contains(id) else {
                    if state.live.removeValue(forKey: id) != nil { state.dirty.remove(id) }
                    state.changed(id)
                    continue
                }
                if let worker = state.live[id], touch.isRun(startedAt: worker.runStartedAt) {
                    state.live[id]!.storedReceivedAt = max(worker.storedReceivedAt, touch.lastReceivedAt)
                }
            }
        }
    }

    /// A flush of `touches` and `tally` failed: they wait for the next one.
    func restore(_ touches: [String: HeartbeatTouch], tally: BatchTally) {
        state.withLock { state in
            for (id, touch) in touches { Self.keep(touch, of: id, &state) }
            state.tally.add(tally)
        }
    }

    /// Forgets `ids` (deregistered, or recorded lost): their next event goes to the store.
    func forget(_ ids: some Sequence<String>) {
        state.withLock { state in
            for id in ids {
                state.live[id] = nil
                state.dirty.remove(id)
                state.detached[id] = nil
                state.changed(id)
            }
        }
    }

    /// `workers` as stored, with the heartbeats of their runs still unwritten.
    func overlay(_ workers: [Worker]) -> [Worker] {
        state.withLock { state in
            workers.map { worker in
                var worker = worker
                if let live = state.live[worker.id], live.unwrittenBeats > 0, live.touch.belongs(to: worker) { worker = live.touch.applied(to: worker) }
                if let touch = state.detached[worker.id], touch.belongs(to: worker) { worker = touch.applied(to: worker) }
                return worker
            }
        }
    }

    /// How many workers have heartbeats not yet written.
    var unwritten: Int {
        state.withLock { $0.dirty.count + $0.detached.count }
    }

    private static func land(_ id: String, _ state: inout State) {
        if let count = state.inFlight[id], count > 1 { state.inFlight[id] = count - 1 } else { state.inFlight[id] = nil }
    }

    /// Keeps an unwritten `touch` of `id` for a later write: in its live record when that is still the same run, ahead
    /// of the workers that became unwritten since (its write failed or was put off: it has waited longest).
    private static func keep(_ touch: HeartbeatTouch, of id: String, _ state: inout State) {
        if var worker = state.live[id], touch.isRun(startedAt: worker.runStartedAt) {
            worker.unwrittenBeats += touch.beats
            worker.lastSeen = max(worker.lastSeen, touch.lastSeen)
            worker.lastReceivedAt = max(worker.lastReceivedAt, touch.lastReceivedAt)
            state.live[id] = worker
            state.dirty.putBackAhead(id)
        } else {
            state.detached[id] = state.detached[id].map { $0.merged(with: touch) } ?? touch
        }
    }
}
