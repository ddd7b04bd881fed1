import Foundation
import Registry
import Testing

/// The sweep and retention work in bounded transactions; these check that a mass of work still gets done once.
@Suite("Bounded housekeeping")
struct BoundedHousekeepingTests {
    @Test("a mass loss is recorded over several passes, each worker once", arguments: StoreKind.available)
    func massLoss(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = try await fixture.open()
        try await apply((0..<2500).map { event(.started, id: "w\($0)", group: "fleet", ttl: 10) }, to: store)
        #expect(Set(try await store.recordLostWorkers(liveness: liveness(at: 20))).count == 2500)
        #expect(try await store.recordLostWorkers(liveness: liveness(at: 20)).isEmpty)
        #expect(try await store.groupCounts(liveness: liveness(at: 20)) == [GroupCount(group: "fleet", status: .lost, count: 2500)])
        #expect(try await store.history(HistoryQuery(group: .subtree("fleet"), events: [.lost], limit: 5000)).count == 2500)
        try await fixture.stop(store)
        await fixture.remove()
    }

    @Test("retention past one transaction's share deletes everything it should and nothing more", arguments: StoreKind.available)
    func largeRetention(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = try await fixture.open()
        let stopped = (0..<6000).map { event(.stopped, id: "old\($0)", group: "done", exitCode: 0) }
        try await apply(stopped, to: store)
        _ = try await store.apply([event(.started, id: "young", group: "done", at: 7000)], liveness: liveness(at: 7000))
        let report = try await store.prune(RetentionPolicy(workers: 3600, history: 30 * 86_400, historyLimit: 500), now: t0.addingTimeInterval(7200))
        #expect(report == PruneReport(workers: 6000, historyEntries: 5501))
        #expect(try await store.workers(WorkerQuery(statuses: Set(WorkerStatus.allCases)), liveness: liveness(at: 7200)).workers.map(\.id) == ["young"])
        #expect(try await store.history(HistoryQuery(limit: 1000)).count == 500)
        try await fixture.stop(store)
        await fixture.remove()
    }

    /// In transactions of 100 events: PostgreSQL pays round trips per event, and a transaction has 5 s.
    private func apply(_ events: [WorkerEvent], to store: any WorkerStore) async throws {
        for start in stride(from: 0, to: events.count, by: 100) {
            _ = try await store.apply(Array(events[start..<min(start + 100, events.count)]), liveness: liveness(at: 0))
        }
    }
}
