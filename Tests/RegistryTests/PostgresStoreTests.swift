import Foundation
import Registry
import Testing

/// What only a shared store has to get right: several replicas on one database.
@Suite("PostgreSQL replicas", .enabled(if: StoreKind.available.contains(.postgres)))
struct PostgresStoreTests {
    @Test("a write through one replica is read at once through another")
    func replicasShareState() async throws {
        let fixture = try await StoreFixture(.postgres)
        let (first, second) = (try await fixture.open(), try await fixture.open())
        _ = try await first.apply([event(.started, id: "shared", ttl: 30)], liveness: liveness(at: 0))
        #expect(try await second.worker(id: "shared", liveness: liveness(at: 1))?.status == .running)
        #expect(try await second.worker(id: "shared", liveness: liveness(at: 31))?.status == .lost)
        try await first.close()
        try await second.close()
        await fixture.remove()
    }

    @Test("replicas writing the same workers at once lose no event")
    func concurrentWritersSerialise() async throws {
        let fixture = try await StoreFixture(.postgres)
        let stores = [try await fixture.open(), try await fixture.open()]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask {
                    for round in 0..<20 {
                        let batch = (0..<5).flatMap { worker in
                            [event(.message, id: "w\(worker)", at: Double(round), message: "r\(index)-\(round)"),
                             event(.heartbeat, id: "w\(worker)", at: Double(round))]
                        }
                        _ = try await store.apply(batch, liveness: liveness(at: 0))
                    }
                }
            }
            try await group.waitForAll()
        }
        let snapshot = try await stores[0].metricsSnapshot(liveness: liveness(at: 0), includeWorkers: false)
        #expect(snapshot.eventTotals["message"] == 200)
        for id in 0..<5 {
            #expect(try await stores[1].history(HistoryQuery(workerID: "w\(id)", limit: 1000)).count == 40)
            // Read-modify-write of the same row from two replicas: every heartbeat counted, none overwritten.
            #expect(try await stores[1].worker(id: "w\(id)", liveness: liveness(at: 0))?.heartbeats == 40)
        }
        for store in stores { try await store.close() }
        await fixture.remove()
    }

    @Test("one replica at a time holds the maintenance lease; another takes it when the holder stops")
    func maintenanceLease() async throws {
        let fixture = try await StoreFixture(.postgres)
        let replicas = [try await fixture.open(), try await fixture.open()]
        let holders = try await eventually { try await Self.holders(of: replicas) }
        #expect(holders.count == 1)
        let holder = try #require(holders.first)
        try await fixture.stop(replicas[holder])
        let next = try await eventually { try await Self.holders(of: [replicas[1 - holder]]) }
        #expect(next == [0], "the other replica took the lease over")
        await fixture.remove()
    }

    /// The positions of the replicas that hold the lease now.
    private static func holders(of replicas: [any WorkerStore]) async throws -> [Int] {
        var holders: [Int] = []
        for (index, replica) in replicas.enumerated() where await replica.holdsMaintenanceLease() { holders.append(index) }
        return holders
    }

    /// `probe`'s first non-empty answer, asked every 50 ms for up to 10 s.
    private func eventually(_ probe: () async throws -> [Int]) async throws -> [Int] {
        for _ in 0..<200 {
            let answer = try await probe()
            if !answer.isEmpty { return answer }
            try await Task.sleep(for: .milliseconds(50))
        }
        return []
    }
}
