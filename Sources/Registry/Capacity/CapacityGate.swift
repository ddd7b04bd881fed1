import Foundation
import Synchronization

/// Holds the server to its ``CapacityLimits`` at the door: an event that would create a group or a worker past
/// a limit, or a group past its key's rate, is refused before it is written; existing groups and workers go on.
///
/// The gate knows the stored groups and the number of stored workers from the store (read when first asked and
/// again every ``RegistrySettings/pruneInterval``, so a replica sees the others' within one) and adds what each
/// commit creates and takes away what is removed. What is admitted or created while the store is read is added to
/// what it reads, so a reload never forgets a group; a worker created by a commit that lands just before the read
/// may be counted twice until the next reload, which errs on the side of refusing.
/// Workers in events being written are reserved until their commit, so concurrent requests cannot pass the
/// limit together; the one store read on the hot path, which ids exist, is made only near the worker limit.
final class CapacityGate: Sendable {
    let limits: CapacityLimits
    private let state = Mutex(State())

    private struct State {
        var loaded = false
        var groups: Set<String> = []
        var workers = 0
        /// Ids in events admitted and not yet committed, counted as if all were new.
        var reserved = 0
        /// Groups admitted and workers created since the last reload began, which the store may not show yet.
        var admittedGroups: Set<String> = []
        var createdWorkers = 0
        /// New groups of admissions not yet settled, which the store may not show yet either.
        var unsettledGroups: [String: Int] = [:]
        var buckets: [String: TokenBucket] = [:]
    }

    /// A key's allowance of new groups: `capacity` tokens, refilled evenly over a minute.
    private struct TokenBucket {
        var tokens: Double
        var updated: Date

        mutating func take(capacity: Double, now: Date) -> Double? {
            tokens = min(capacity, tokens + max(0, now.timeIntervalSince(updated)) * capacity / 60)
            updated = now
            guard tokens < 1 else {
                tokens -= 1
                return nil
            }
            return (1 - tokens) * 60 / capacity
        }
    }

    /// What ``admit(_:key:now:existing:)`` decided: a refusal per event, how many ids it reserved, and the new groups it let in.
    struct Admission {
        var refusals: [CapacityRefusal?]
        var reserved: Int
        var newGroups: [String] = []
    }

    init(limits: CapacityLimits) {
        self.limits = limits
    }

    var isLoaded: Bool { state.withLock(\.loaded) }

    /// The groups and workers kept, as last read from the store plus what commits created since.
    var usage: CapacityUsage {
        state.withLock { CapacityUsage(groups: $0.groups.count, workers: $0.workers, limits: limits) }
    }

    /// Starts a reload: from now on, what is admitted and created is kept aside to add to what the store holds.
    /// One reload at a time.
    func beginReload() {
        state.withLock {
            $0.admittedGroups = []
            $0.createdWorkers = 0
        }
    }

    /// Replaces what the gate knows with what the store holds, read after ``beginReload()``, and what came since.
    func finishReload(groups: [String], workers: Int) {
        state.withLock {
            $0.loaded = true
            $0.groups = Set(groups).union($0.admittedGroups).union($0.unsettledGroups.keys)
            $0.workers = workers + $0.createdWorkers
        }
    }

    /// Decides each event of a request sent with `key`; `existing` reads which ids are stored, and is called only
    /// when the new ids could pass the worker limit. Call ``settle(_:created:)`` once the admitted events are written.
    func admit(_ events: [WorkerEvent], key: String, now: Date, existing: (Set<String>) async throws -> Set<String>) async throws -> Admission {
        let ids = Set(events.map(\.id))
        if let admission = decide(events, ids: ids, stored: nil, key: key, now: now) { return admission }
        // With the stored ids given, `decide` always answers.
        return decide(events, ids: ids, stored: try await existing(ids), key: key, now: now)!
    }

    /// The admission of `events`, whose ids that are `stored` are given when the store was asked; without them,
    /// `nil` when all the ids being new would pass the worker limit (the store must then be asked).
    private func decide(_ events: [WorkerEvent], ids: Set<String>, stored: Set<String>?, key: String, now: Date) -> Admission? {
        state.withLock { state in
            if stored == nil, state.workers + state.reserved + ids.count > limits.workers { return nil }
            var refusals: [CapacityRefusal?] = []
            refusals.reserveCapacity(events.count)
            var refusedGroups: [String: CapacityRefusal] = [:]
            var newGroups: [String] = []
            var newIDs: Set<String> = []
            var refusedIDs: Set<String> = []
            for event in events {
                let newWorker = stored.map { !$0.contains(event.id) && !newIDs.contains(event.id) } ?? false
                var refusal: CapacityRefusal?
                if newWorker, refusedIDs.contains(event.id) || state.workers + state.reserved + newIDs.count >= limits.workers {
                    refusedIDs.insert(event.id)
                    refusal = workerRefusal(event.id)
                } else if !state.groups.contains(event.group) {
                    refusal = refusedGroups[event.group] ?? newGroupRefusal(event.group, key: key, now: now, state: &state)
                    if let refusal {
                        refusedGroups[event.group] = refusal
                    } else {
                        state.groups.insert(event.group)
                        state.admittedGroups.insert(event.group)
                        state.unsettledGroups[event.group, default: 0] += 1
                        newGroups.append(event.group)
                    }
                }
                if newWorker, refusal == nil { newIDs.insert(event.id) }
                refusals.append(refusal)
            }
            let reserved = stored == nil ? ids.count : newIDs.count
            state.reserved += reserved
            return Admission(refusals: refusals, reserved: reserved, newGroups: newGroups)
        }
    }

    /// Takes `count` workers that were removed (deregistered, or by retention) off the count.
    func removed(workers count: Int) {
        state.withLock { $0.workers = max(0, $0.workers - count) }
    }

    /// Ends the reservation of `admission` once its events are written (or failed): `created` workers are now stored.
    func settle(_ admission: Admission, created: Int) {
        state.withLock {
            for group in admission.newGroups {
                $0.unsettledGroups[group, default: 1] -= 1
                if $0.unsettledGroups[group] == 0 { $0.unsettledGroups[group] = nil }
            }
            $0.reserved -= admission.reserved
            $0.workers += created
            $0.createdWorkers += created
        }
    }

    private func newGroupRefusal(_ group: String, key: String, now: Date, state: inout State) -> CapacityRefusal? {
        let hint = IDLikeSegment.hint(for: group)
        let shown = EscapedText.escaped(group)
        if state.groups.count >= limits.groups {
            return CapacityRefusal(
                reason: .groupLimit, field: "group",
                message: "'\(shown)' would be a new group, and the server keeps at most \(limits.groups) (--max-groups); events of existing groups are still taken",
                hint: hint)
        }
        var bucket = state.buckets[key] ?? TokenBucket(tokens: Double(limits.newGroupsPerMinute), updated: now)
        let wait = bucket.take(capacity: Double(limits.newGroupsPerMinute), now: now)
        state.buckets[key] = bucket
        guard let wait else { return nil }
        let seconds = max(1, Int(wait.rounded(.up)))
        return CapacityRefusal(
            reason: .newGroupRate, field: "group",
            message: "'\(shown)' would be a new group, and this key created its \(limits.newGroupsPerMinute) new groups of the last minute "
                + "(--max-new-groups-per-minute); it may create one more in \(seconds) s",
            hint: hint, retryAfter: seconds)
    }

    private func workerRefusal(_ id: String) -> CapacityRefusal {
        CapacityRefusal(
            reason: .workerLimit, field: "id",
            message: "'\(EscapedText.escaped(id))' would be a new worker, and the server keeps at most \(limits.workers) (--max-workers); "
                + "workers already stored still report, and stopped ones leave after --retention or through DELETE /workers/{id}")
    }
}
