import Foundation
import Synchronization

/// The counts per group and status kept in memory between the writes that change them.
///
/// A read answers from the last snapshot unless a write that may change the counts committed since that snapshot
/// was read (``changed()``, called before the write is answered, so a client that waited for its write reads it),
/// or the snapshot is ``maxAge`` old: deadlines pass without any write, and replicas sharing a PostgreSQL store
/// write without this process hearing of it. Readers arriving while the store is read wait for that read.
final class CountsView: Sendable {
    private struct State {
        /// Bumped by every write that may change the counts.
        var generation: UInt64 = 0
        var current: (generation: UInt64, snapshot: CountsSnapshot)?
        var reading: (generation: UInt64, task: Task<CountsSnapshot, any Error>)?
    }

    private enum Answer {
        case ready(CountsSnapshot)
        case wait(Task<CountsSnapshot, any Error>, generation: UInt64)
    }

    /// How long a snapshot answers when nothing this process wrote changed it.
    let maxAge: TimeInterval
    private let state = Mutex(State())

    init(maxAge: TimeInterval) {
        self.maxAge = maxAge
    }

    /// Says that a write that may have changed the counts has committed.
    func changed() {
        state.withLock { $0.generation &+= 1 }
    }

    /// The counts as of at most ``maxAge`` before `now` and after every write already announced; `read` reads them
    /// from the store when the snapshot kept is not.
    func snapshot(now: Date, read: @escaping @Sendable () async throws -> CountsSnapshot) async throws -> CountsSnapshot {
        let answer = state.withLock { state -> Answer in
            if let current = state.current, current.generation == state.generation, isFresh(current.snapshot, now: now) {
                return .ready(current.snapshot)
            }
            if let reading = state.reading, reading.generation == state.generation {
                return .wait(reading.task, generation: reading.generation)
            }
            let task = Task { try await read() }
            state.reading = (state.generation, task)
            return .wait(task, generation: state.generation)
        }
        switch answer {
        case .ready(let snapshot): return snapshot
        case .wait(let task, let generation): return try await result(of: task, readAt: generation)
        }
    }

    /// Waits for `task`, a read begun at `generation`, and keeps its snapshot unless a later one is kept already.
    private func result(of task: Task<CountsSnapshot, any Error>, readAt generation: UInt64) async throws -> CountsSnapshot {
        let result = await task.result
        state.withLock { state in
            if state.reading?.task == task { state.reading = nil }
            if case .success(let snapshot) = result, state.current.map({ $0.generation <= generation }) ?? true {
                state.current = (generation, snapshot)
            }
        }
        return try result.get()
    }

    private func isFresh(_ snapshot: CountsSnapshot, now: Date) -> Bool {
        let age = now.timeIntervalSince(snapshot.countedAt)
        return age >= 0 && age < maxAge
    }
}
