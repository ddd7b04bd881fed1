import Foundation

/// Group commit: many requests' events written in one transaction, each request answered after it commits.
///
/// Callers `await` ``commit(_:)``; while one transaction is being written, newly arriving events queue up and
/// go into the next one together. Nothing is acknowledged before the store says it is durable. Flushes of the
/// heartbeats buffered in memory (``writeHeartbeats()``) queue up with them, so every write of a worker's record
/// happens in the order its events were answered.
actor EventCommitter {
    /// Most events written in one transaction.
    static let maxBatch = 5000
    /// Most workers' heartbeats written in one transaction of a flush: a flush of many is written in several,
    /// with the events queued meanwhile written between them, so a large flush never holds state changes up for long.
    static let heartbeatsPerTransaction = 512

    private enum Work {
        case events([WorkerEvent], CheckedContinuation<[EventOutcome], any Error>)
        /// A flush, answered once it has written as many transactions as `transactionsLeft` (counted when it starts:
        /// enough for what was unwritten then), or everything.
        case heartbeats(CheckedContinuation<Void, any Error>, transactionsLeft: Int?)
    }

    private let store: any WorkerStore
    private let heartbeats: HeartbeatBuffer?
    private let counts: CountsView
    private let liveness: @Sendable () -> Liveness
    private let onCommit: @Sendable (_ events: Int, _ duration: Duration) -> Void
    private let onFailure: @Sendable (any Error) -> Void
    private var pending: [Work] = []
    private var flushing: Task<Void, Never>?

    init(
        store: any WorkerStore, heartbeats: HeartbeatBuffer?, counts: CountsView, liveness: @escaping @Sendable () -> Liveness,
        onCommit: @escaping @Sendable (Int, Duration) -> Void, onFailure: @escaping @Sendable (any Error) -> Void
    ) {
        self.store = store
        self.heartbeats = heartbeats
        self.counts = counts
        self.liveness = liveness
        self.onCommit = onCommit
        self.onFailure = onFailure
    }

    /// Writes `events` (in flight in ``heartbeats``, when there is one) and returns their outcomes once they are committed.
    func commit(_ events: [WorkerEvent]) async throws -> [EventOutcome] {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(.events(events, continuation))
        }
    }

    /// Writes the heartbeats buffered so far, after the events queued before.
    func writeHeartbeats() async throws {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(.heartbeats(continuation, transactionsLeft: nil))
        }
    }

    /// Waits until everything queued so far is written.
    func drain() async {
        await flushing?.value
    }

    private func enqueue(_ work: Work) {
        pending.append(work)
        if flushing == nil {
            flushing = Task { await self.flush() }
        }
    }

    private func flush() async {
        while !pending.isEmpty {
            if case .heartbeats(let continuation, let transactionsLeft) = pending.first {
                pending.removeFirst()
                await writeBufferedHeartbeats(continuation, transactionsLeft: transactionsLeft)
                continue
            }
            var batch: [(events: [WorkerEvent], continuation: CheckedContinuation<[EventOutcome], any Error>)] = []
            var count = 0
            while case .events(let events, let continuation) = pending.first, batch.isEmpty || count + events.count <= Self.maxBatch {
                pending.removeFirst()
                batch.append((events, continuation))
                count += events.count
            }
            await write(batch, count: count)
        }
        flushing = nil
    }

    private func write(_ batch: [(events: [WorkerEvent], continuation: CheckedContinuation<[EventOutcome], any Error>)], count: Int) async {
        let events = batch.flatMap(\.events)
        let touches = heartbeats?.takeTouches(for: Set(events.map(\.id))) ?? [:]
        do {
            let start = ContinuousClock.now
            let transitions = try await store.apply(events, touches: touches, liveness: liveness())
            onCommit(count, ContinuousClock.now - start)
            counts.changed()
            heartbeats?.settle(events, as: transitions.map(\.worker))
            var offset = 0
            for item in batch {
                item.continuation.resume(returning: transitions[offset..<offset + item.events.count].map(\.outcome))
                offset += item.events.count
            }
        } catch {
            onFailure(error)
            heartbeats?.release(events, touches: touches)
            for item in batch { item.continuation.resume(throwing: error) }
        }
    }

    /// Writes one transaction of a flush; queues the next one behind the events that came meanwhile.
    private func writeBufferedHeartbeats(_ continuation: CheckedContinuation<Void, any Error>, transactionsLeft: Int?) async {
        guard let heartbeats else { return continuation.resume() }
        let perTransaction = Self.heartbeatsPerTransaction
        let left = transactionsLeft ?? max(1, (heartbeats.unwritten + perTransaction - 1) / perTransaction)
        let (touches, tally) = heartbeats.takeFlush(limit: perTransaction)
        guard !touches.isEmpty || !tally.isEmpty else { return continuation.resume() }
        do {
            let start = ContinuousClock.now
            let written = try await store.writeHeartbeats(touches, tally: tally)
            onCommit(touches.count, ContinuousClock.now - start)
            heartbeats.flushed(touches, written)
        } catch {
            heartbeats.restore(touches, tally: tally)
            return continuation.resume(throwing: error)
        }
        if touches.count == perTransaction, left > 1 {
            pending.append(.heartbeats(continuation, transactionsLeft: left - 1))
        } else {
            continuation.resume()
        }
    }
}
