import Foundation

/// Group commit: many requests' events written in one transaction, each request answered after it commits.
///
/// Callers `await` ``commit(_:liveness:)``; while one transaction is being written, newly arriving events
/// queue up and go into the next one together. Nothing is acknowledged before the store says it is durable.
actor EventCommitter {
    /// Most events written in one transaction.
    static let maxBatch = 5000

    private struct Pending {
        var events: [WorkerEvent]
        var continuation: CheckedContinuation<[EventOutcome], any Error>
    }

    private let store: any WorkerStore
    private let liveness: @Sendable () -> Liveness
    private let onCommit: @Sendable (_ events: Int, _ duration: Duration) -> Void
    private let onFailure: @Sendable (any Error) -> Void
    private var pending: [Pending] = []
    private var flushing: Task<Void, Never>?

    init(
        store: any WorkerStore, liveness: @escaping @Sendable () -> Liveness, onCommit: @escaping @Sendable (Int, Duration) -> Void,
        onFailure: @escaping @Sendable (any Error) -> Void
    ) {
        self.store = store
        self.liveness = liveness
        self.onCommit = onCommit
        self.onFailure = onFailure
    }

    /// Writes `events` and returns their outcomes once they are committed.
    func commit(_ events: [WorkerEvent]) async throws -> [EventOutcome] {
        try await withCheckedThrowingContinuation { continuation in
            pending.append(Pending(events: events, continuation: continuation))
            if flushing == nil {
                flushing = Task { await self.flush() }
            }
        }
    }

    /// Waits until everything queued so far is written.
    func drain() async {
        await flushing?.value
    }

    private func flush() async {
        while !pending.isEmpty {
            var batch: [Pending] = []
            var count = 0
            while let next = pending.first, batch.isEmpty || count + next.events.count <= Self.maxBatch {
                batch.append(pending.removeFirst())
                count += next.events.count
            }
            do {
                let start = ContinuousClock.now
                let outcomes = try await store.apply(batch.flatMap(\.events), liveness: liveness())
                onCommit(count, ContinuousClock.now - start)
                var offset = 0
                for item in batch {
                    item.continuation.resume(returning: Array(outcomes[offset..<offset + item.events.count]))
                    offset += item.events.count
                }
            } catch {
                onFailure(error)
                for item in batch { item.continuation.resume(throwing: error) }
            }
        }
        flushing = nil
    }
}
