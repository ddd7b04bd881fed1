import Foundation
import Registry
import Testing

@Suite("Capacity limits")
struct CapacityTests {
    private func registry(_ store: any WorkerStore, groups: Int = 100, workers: Int = 1000, perMinute: Int = 100, clock: ManualClock = ManualClock(t0)) -> WorkerRegistry {
        WorkerRegistry(
            store: store, settings: RegistrySettings(capacity: CapacityLimits(groups: groups, workers: workers, newGroupsPerMinute: perMinute)),
            clock: clock.wallClock)
    }

    private func refusals(_ results: [Result<EventOutcome, CapacityRefusal>]) -> [CapacityRefusal.Reason?] {
        results.map { if case .failure(let refusal) = $0 { refusal.reason } else { nil } }
    }

    @Test("past the group limit new groups are refused and named, existing groups still take new workers", arguments: StoreKind.available)
    func groupLimit(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let registry = registry(try await fixture.open(), groups: 3)
        let batch = (1...5).map { event(.started, id: "w\($0)", group: "jobs.run00\($0)") }
        let results = try await registry.record(batch, by: "ci")
        #expect(refusals(results) == [nil, nil, nil, .groupLimit, .groupLimit])
        guard case .failure(let refusal) = results[3] else { Issue.record("not refused"); return }
        #expect(refusal.field == "group")
        #expect(refusal.message.contains("'jobs.run004'") && refusal.message.contains("--max-groups"))
        #expect(refusal.hint?.contains("'run004' looks like an id") == true)
        #expect(refusals(try await registry.record([event(.started, id: "w9", group: "jobs.run001")], by: "ci")) == [nil])
        #expect(try await registry.capacityUsage().groups == 3)
        #expect(try await registry.workers(WorkerQuery()).workers.map(\.id).sorted() == ["w1", "w2", "w3", "w9"])
        try await registry.shutdown()
        await fixture.remove()
    }

    @Test("past the worker limit new ids are refused, stored workers still report, and a restart knows the count", arguments: StoreKind.available)
    func workerLimit(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        var registry = registry(try await fixture.open(), workers: 3)
        let results = try await registry.record((1...5).map { event(.started, id: "w\($0)") }, by: "ci")
        #expect(refusals(results) == [nil, nil, nil, .workerLimit, .workerLimit])
        guard case .failure(let refusal) = results[4] else { Issue.record("not refused"); return }
        #expect(refusal.field == "id" && refusal.message.contains("'w5'") && refusal.message.contains("--max-workers"))
        #expect(refusals(try await registry.record([event(.heartbeat, id: "w2", at: 1), event(.started, id: "w6", at: 1)], by: "ci")) == [nil, .workerLimit])
        try await registry.shutdown()

        registry = self.registry(try await fixture.open(), workers: 3)
        #expect(refusals(try await registry.record([event(.started, id: "w7")], by: "ci")) == [.workerLimit])
        #expect(try await registry.removeWorker(id: "w1"))
        #expect(refusals(try await registry.record([event(.started, id: "w7")], by: "ci")) == [nil])
        #expect(try await registry.capacityUsage().workers == 3)
        try await registry.shutdown()
        await fixture.remove()
    }

    @Test("concurrent requests cannot pass the worker limit together", arguments: StoreKind.available)
    func concurrentWorkers(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let registry = registry(try await fixture.open(), workers: 20)
        let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<60 {
                group.addTask {
                    let results = try await registry.record([event(.started, id: "w\(index)")], by: "ci")
                    return results.filter { if case .success = $0 { true } else { false } }.count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(accepted == 20)
        #expect(try await registry.countWorkers(WorkerQuery()) == 20)
        try await registry.shutdown()
        await fixture.remove()
    }

    @Test("a reload of the stored groups while new groups are being written forgets none of them", arguments: StoreKind.available)
    func reloadDuringWrites(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let registry = registry(try await fixture.open(), groups: 40)
        let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<120 {
                group.addTask {
                    if index.isMultiple(of: 10) { try await registry.reloadCapacity() }
                    let results = try await registry.record([event(.started, id: "w\(index)", group: "team.g\(index)")], by: "ci")
                    return results.filter { if case .success = $0 { true } else { false } }.count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(accepted == 40)
        try await registry.reloadCapacity()
        #expect(try await registry.capacityUsage().groups == 40)
        #expect(try await registry.domainTree().node(at: "team")?.children.count == 40)
        try await registry.shutdown()
        await fixture.remove()
    }

    @Test("a key's new groups are rate-limited with a wait, other keys are not, and the bucket refills over the minute")
    func newGroupRate() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let clock = ManualClock(t0)
        let registry = registry(try await openSQLiteStore(path: directory.databasePath), perMinute: 2, clock: clock)
        let results = try await registry.record((1...3).map { event(.started, id: "w\($0)", group: "team.g\($0)") }, by: "a")
        #expect(refusals(results) == [nil, nil, .newGroupRate])
        guard case .failure(let refusal) = results[2] else { Issue.record("not refused"); return }
        #expect(refusal.retryAfter == 30)
        #expect(refusal.hint == nil)
        #expect(refusals(try await registry.record([event(.started, id: "w4", group: "team.g4")], by: "b")) == [nil])
        #expect(refusals(try await registry.record([event(.started, id: "w5", group: "team.g1")], by: "a")) == [nil])
        clock.advance(by: 30)
        #expect(refusals(try await registry.record([event(.started, id: "w3", group: "team.g3", at: 30)], by: "a")) == [nil])
        #expect(refusals(try await registry.record([event(.started, id: "w6", group: "team.g6", at: 30)], by: "a")) == [.newGroupRate])
        try await registry.shutdown()
    }

    @Test("group segments that look like ids or numbers", arguments: [
        ("jobs.run000123", "run000123"), ("import.2026", "2026"), ("x.7", "7"), ("cache.a3f9c2d1", "a3f9c2d1"),
        ("product.importer", nil), ("svc.v2", nil), ("team.s3-sync", nil), ("deadbeef.x", nil),
    ] as [(String, String?)])
    func idLikeSegments(_ group: String, _ segment: String?) {
        #expect(IDLikeSegment.first(in: group).map(String.init) == segment)
        #expect((IDLikeSegment.hint(for: group) != nil) == (segment != nil))
    }
}
