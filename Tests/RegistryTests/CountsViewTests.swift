import Foundation
import Registry
import Testing

/// The counts per group and status come from memory between writes: at once after this registry's own writes,
/// within a second after other replicas' writes and passing deadlines.
@Suite("Counts kept in memory")
struct CountsViewTests {
    private func running(_ registry: WorkerRegistry) async throws -> Int {
        try await registry.domainTree().counts.running
    }

    @Test("a registry's own writes show at once; another replica's after at most a second", arguments: StoreKind.available)
    func ownAndOthersWrites(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = try await fixture.open(), clock = ManualClock(t0)
        let writer = WorkerRegistry(store: store, clock: clock.wallClock), replica = WorkerRegistry(store: store, clock: clock.wallClock)
        _ = try await writer.record([event(.started, id: "a", ttl: 60)], by: "ci")
        #expect(try await running(writer) == 1)
        #expect(try await running(replica) == 1)

        _ = try await writer.record([event(.started, id: "b", ttl: 60)], by: "ci")
        #expect(try await running(writer) == 2)
        #expect(try await running(replica) == 1, "the replica answers from memory until its counts are a second old")
        clock.advance(by: 0.5)
        #expect(try await replica.countedDomainTree().countedAt == t0)
        clock.advance(by: 0.5)
        let refreshed = try await replica.countedDomainTree()
        #expect(refreshed.tree.counts.running == 2 && refreshed.countedAt == t0.addingTimeInterval(1))
        #expect(try await replica.metricsSnapshot(includeWorkers: false).countedAt == t0.addingTimeInterval(1))

        #expect(try await writer.removeWorker(id: "b"))
        #expect(try await running(writer) == 1)
        try await writer.shutdown()
        await fixture.remove()
    }

    @Test("a deadline passing shows within a second of the last read", arguments: StoreKind.available)
    func deadlines(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = try await fixture.open(), clock = ManualClock(t0)
        let registry = WorkerRegistry(store: store, clock: clock.wallClock)
        _ = try await registry.record([event(.started, id: "a", ttl: 60), event(.started, id: "b", ttl: 20)], by: "ci")
        clock.advance(by: 20.0)
        #expect(try await registry.domainTree().counts.running == 2)
        clock.advance(by: 0.7)
        #expect(try await registry.domainTree().counts.running == 2, "b's deadline passed 0.7 s ago, 0.7 s after the last read")
        #expect(try await registry.workers(WorkerQuery(statuses: [.lost])).workers.map(\.id) == ["b"], "lists are read as now")
        clock.advance(by: 0.3)
        let counts = try await registry.domainTree().counts
        #expect(counts.running == 1 && counts.lost == 1)
        #expect(try await registry.recordLostWorkers() == 1)
        try await registry.shutdown()
        await fixture.remove()
    }
}
