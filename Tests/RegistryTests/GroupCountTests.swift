import Foundation
import Registry
import Testing

/// The stored counts per group and status, corrected for workers expired since the last sweep, always
/// equal a count over every worker; the stored counts of open problems always equal a count over every open problem.
@Suite("Group counts")
struct GroupCountTests {
    /// A seeded sequence of everything that changes a count, checked against a full count after each step.
    @Test("counts kept on write equal a full count after every kind of change", arguments: StoreKind.available)
    func countsFollowEveryChange(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        var store = try await fixture.open()
        var random = SplitMix64(seed: 0x776F_6B6D)
        let ids = (0..<10).map { "w\($0)" }
        let groups = ["a", "a.b", "c", "d.e"]
        let ttls: [Double?] = [nil, 0, 5, 20]
        var now = 0.0
        var graceStart = 0.0
        func judged() -> Liveness { liveness(at: now, defaultTTL: 10, graceStart: graceStart) }

        for step in 0..<300 {
            let id = ids[random.below(ids.count)]
            let group = groups[random.below(groups.count)]
            let action = random.below(100)
            var done = ""
            switch action {
            case 0..<25:
                let ttl = ttls[random.below(ttls.count)]
                _ = try await store.apply([event(.started, id: id, group: group, at: now, ttl: ttl)], liveness: judged())
                done = "start \(id) in \(group), ttl \(ttl.map { "\($0)" } ?? "default")"
            case 25..<35:
                _ = try await store.apply([event(.heartbeat, id: id, group: group, at: now)], liveness: judged())
                done = "heartbeat \(id) from \(group)"
            case 35..<40:
                let open = try await store.problems(ProblemQuery(states: [.open], limit: 1000), now: t0.addingTimeInterval(now))
                if let problem = open.last {
                    _ = try await store.acknowledge(problem: problem.id, Acknowledgement(by: "alice", at: t0.addingTimeInterval(now)))
                }
                done = "acknowledge \(open.last.map { "problem \($0.id)" } ?? "nothing")"
            case 40..<48:
                _ = try await store.apply([event(.stopped, id: id, group: group, at: now, exitCode: 0)], liveness: judged())
                done = "stop \(id)"
            case 48..<55:
                _ = try await store.apply([event(.stopped, id: id, group: group, at: now, exitCode: 2)], liveness: judged())
                done = "fail \(id)"
            case 55..<60:
                // Several changes to one worker in one transaction: start, regroup, stop.
                let other = groups[random.below(groups.count)]
                _ = try await store.apply([
                    event(.started, id: id, group: group, at: now, ttl: 5), event(.message, id: id, group: other, at: now, message: "m"),
                    event(.stopped, id: id, group: other, at: now),
                ], liveness: judged())
                done = "start, regroup to \(other) and stop \(id)"
            case 60..<75:
                now += Double(1 + random.below(12))
                done = "clock to \(now)"
            case 75..<82:
                let lost = try await store.recordLostWorkers(liveness: judged()).count
                done = "sweep (\(lost) lost)"
            case 82..<87:
                _ = try await store.removeWorker(id: id, now: Date(timeIntervalSince1970: now))
                done = "deregister \(id)"
            case 87..<92:
                let report = try await store.prune(RetentionPolicy(workers: 30, history: 3600, historyLimit: 50), now: t0.addingTimeInterval(now))
                done = "prune (\(report.workers) workers)"
            default:
                try await store.close()
                store = try await fixture.open()
                now += Double(random.below(30))
                graceStart = now
                done = "restart at \(now)"
            }
            let expected = try await countedOneByOne(store, judged())
            #expect(try await store.groupCounts(liveness: judged()) == expected, "step \(step): \(done)")
            #expect(try await store.metricsSnapshot(liveness: judged(), includeWorkers: false).groupCounts == expected, "step \(step): \(done)")
            #expect(try await store.openProblemCounts() == (try await problemsCountedOneByOne(store)), "step \(step): \(done)")
        }
        try await store.close()
        await fixture.remove()
    }

    @Test("a database filled before the counts existed gets them from its migration", arguments: StoreKind.available)
    func migrationBackfillsCounts(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let at = t0.timeIntervalSince1970
        func worker(_ id: String, _ group: String, _ status: String, receivedAt: Double, ttl: String) -> String {
            let time = at + receivedAt
            return "INSERT INTO workers (id, grp, status, status_since, run_started_at, last_seen, last_received_at, ttl) "
                + "VALUES ('\(id)', '\(group)', '\(status)', \(time), \(time), \(time), \(time), \(ttl))"
        }
        try await fixture.prepare(schemaVersion: 3, [
            worker("fresh", "a", "running", receivedAt: 95, ttl: "10"),
            worker("expired", "a", "running", receivedAt: 50, ttl: "10"),
            worker("on-default", "a", "running", receivedAt: 50, ttl: "NULL"),
            worker("never", "a.b", "running", receivedAt: 0, ttl: "0"),
            worker("done", "a.b", "stopped", receivedAt: 0, ttl: "NULL"),
            worker("broken", "c", "failed", receivedAt: 0, ttl: "NULL"),
            worker("swept", "c", "lost", receivedAt: 0, ttl: "5"),
        ])
        let store = try await fixture.open()
        let now = liveness(at: 100, defaultTTL: 30)
        let counts = try await store.groupCounts(liveness: now)
        #expect(counts == [
            GroupCount(group: "a", status: .running, count: 1), GroupCount(group: "a", status: .lost, count: 2),
            GroupCount(group: "a.b", status: .stopped, count: 1), GroupCount(group: "a.b", status: .running, count: 1),
            GroupCount(group: "c", status: .lost, count: 1), GroupCount(group: "c", status: .failed, count: 1),
        ])
        #expect(counts == (try await countedOneByOne(store, now)))
        // Writes after the migration keep the counts.
        _ = try await store.apply([event(.stopped, id: "fresh", group: "a", at: 100)], liveness: now)
        #expect(try await store.recordLostWorkers(liveness: now).count == 2)
        #expect(try await store.groupCounts(liveness: now) == (try await countedOneByOne(store, now)))
        try await store.close()
        await fixture.remove()
    }

    @Test("a database with problems from before their counts existed gets them from its migration", arguments: StoreKind.available)
    func migrationBackfillsProblemCounts(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let at = t0.timeIntervalSince1970
        func problem(_ kind: ProblemKind, _ subject: String, _ group: String, resolved: Bool = false, acknowledgedBy: String? = nil) -> String {
            "INSERT INTO problems (kind, scope, subject, grp, opened_at, resolved_at, acknowledged_by, acknowledged_at) VALUES ('\(kind.rawValue)', "
                + "'worker', '\(subject)', '\(group)', \(at), \(resolved ? String(at + 1) : "NULL"), \(acknowledgedBy.map { "'\($0)', \(at)" } ?? "NULL, NULL"))"
        }
        // The version before the problem counts: SQLite's step 7, PostgreSQL's step 5.
        try await fixture.prepare(schemaVersion: kind == .sqlite ? 6 : 4, [
            problem(.failed, "w1", "a"), problem(.failed, "w2", "a"), problem(.failed, "w3", "a", acknowledgedBy: "alice"),
            problem(.lost, "w4", "a"), problem(.failed, "w5", "b", resolved: true),
        ])
        let store = try await fixture.open()
        #expect(try await store.openProblemCounts() == [
            ProblemCount(group: "a", kind: .failed, open: 2, acknowledged: 1), ProblemCount(group: "a", kind: .lost, open: 1, acknowledged: 0),
        ])
        #expect(try await store.openProblemCounts() == (try await problemsCountedOneByOne(store)))
        try await store.close()
        await fixture.remove()
    }

    /// Open problems per group and kind, counted from the listing of every open problem.
    private func problemsCountedOneByOne(_ store: any WorkerStore) async throws -> [ProblemCount] {
        let open = try await store.problems(ProblemQuery(states: [.open, .acknowledged], limit: 1000), now: t0)
        var counts: [String: [ProblemKind: ProblemCount]] = [:]
        for problem in open {
            var count = counts[problem.group]?[problem.kind] ?? ProblemCount(group: problem.group, kind: problem.kind, open: 0, acknowledged: 0)
            if problem.acknowledgement == nil { count.open += 1 } else { count.acknowledged += 1 }
            counts[problem.group, default: [:]][problem.kind] = count
        }
        return counts.sorted { $0.key < $1.key }.flatMap { _, kinds in kinds.sorted { $0.key < $1.key }.map(\.value) }
    }

    /// Counts as the registry computed them before it kept any: every worker listed with its stored
    /// status (judged at a time when nothing has expired), then judged by `liveness`, ordered by group and status.
    private func countedOneByOne(_ store: any WorkerStore, _ liveness: Liveness) async throws -> [GroupCount] {
        let stored = Liveness(now: .distantPast, graceStart: .distantPast, defaultTTL: 0)
        var counts: [String: [WorkerStatus: Int]] = [:]
        var cursor: String?
        repeat {
            let page = try await store.workers(WorkerQuery(limit: WorkerQuery.maxLimit, after: cursor), liveness: stored)
            for worker in page.workers { counts[worker.group, default: [:]][liveness.status(of: worker), default: 0] += 1 }
            cursor = page.nextCursor
        } while cursor != nil
        return counts.sorted { $0.key < $1.key }.flatMap { group, statuses in
            statuses.sorted { $0.key < $1.key }.map { GroupCount(group: group, status: $0.key, count: $0.value) }
        }
    }
}

/// A small seeded generator, so a failing sequence can be replayed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`.
    mutating func below(_ bound: Int) -> Int { Int.random(in: 0..<bound, using: &self) }
}
