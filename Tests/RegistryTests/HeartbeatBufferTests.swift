import Foundation
import Registry
import Testing

/// Heartbeats that change no state are answered from memory and written together; everything else as before.
@Suite("Heartbeats from memory")
struct HeartbeatBufferTests {
    private func registry(_ store: any WorkerStore, clock: ManualClock) -> WorkerRegistry {
        WorkerRegistry(store: store, settings: RegistrySettings(heartbeatFlush: .seconds(1)), clock: clock.wallClock)
    }

    @Test("a running worker's heartbeats wait in memory, show in reads, and are written by the flush", arguments: StoreKind.available)
    func flushWrites(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = try await fixture.open(), clock = ManualClock(t0)
        let registry = registry(store, clock: clock)
        _ = try await registry.record([event(.started, ttl: 60)], by: "ci")
        let answers = try await registry.record([event(.heartbeat, at: 5), event(.heartbeat, at: 10)], by: "ci")
        #expect(answers.map { try? $0.get().status } == [.running, .running])
        let stored = try await store.worker(id: "Importer01", liveness: liveness(at: 10))
        #expect(stored?.lastSeen == t0 && stored?.heartbeats == 0)
        let shown = try await registry.detail(ofWorker: "Importer01")?.worker
        #expect(shown?.lastSeen == t0.addingTimeInterval(10) && shown?.heartbeats == 2)
        #expect(try await registry.workers(WorkerQuery()).workers.first?.heartbeats == 2)

        try await registry.flushHeartbeats()
        let written = try await store.worker(id: "Importer01", liveness: liveness(at: 10))
        #expect(written?.lastSeen == t0.addingTimeInterval(10) && written?.lastReceivedAt == t0.addingTimeInterval(10))
        #expect(written?.heartbeats == 2)
        // Still known after the flush: the next heartbeat waits in memory too.
        _ = try await registry.record([event(.heartbeat, at: 15)], by: "ci")
        #expect(try await store.worker(id: "Importer01", liveness: liveness(at: 15))?.heartbeats == 2)
        let counted = try await store.metricsSnapshot(liveness: liveness(at: 10), includeWorkers: false)
        #expect(counted.eventTotals == ["started": 1, "heartbeat": 2])
        try await registry.shutdown()
        await fixture.remove()
    }

    @Test("a state change after buffered heartbeats is written with them, in order, and the next run starts as before", arguments: StoreKind.available)
    func stateChangesInOrder(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = try await fixture.open(), clock = ManualClock(t0)
        let registry = registry(store, clock: clock)
        _ = try await registry.record([event(.started, ttl: 60), event(.heartbeat, at: 5)], by: "ci")  // one worker: in order, both written
        _ = try await registry.record([event(.heartbeat, at: 10), event(.stopped, at: 12, exitCode: 0)], by: "ci")
        let stopped = try await store.worker(id: "Importer01", liveness: liveness(at: 12))
        #expect(stopped?.status == .stopped && stopped?.heartbeats == 2 && stopped?.lastSeen == t0.addingTimeInterval(12))
        // A stopped worker's heartbeat starts a new run: that is a change of state, written before its answer.
        #expect(try await registry.record([event(.heartbeat, at: 20)], by: "ci").map { try? $0.get().status } == [.running])
        let again = try await store.worker(id: "Importer01", liveness: liveness(at: 20))
        #expect(again?.status == .running && again?.runStartedAt == t0.addingTimeInterval(20))
        try await registry.flushHeartbeats()
        #expect(try await store.worker(id: "Importer01", liveness: liveness(at: 20))?.heartbeats == 1)
        try await registry.shutdown()
        await fixture.remove()
    }

    @Test("a heartbeat close to the deadline the store holds is written before its answer", arguments: StoreKind.available)
    func closeToDeadline(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = try await fixture.open(), clock = ManualClock(t0)
        let registry = registry(store, clock: clock)
        _ = try await registry.record([event(.started, ttl: 3)], by: "ci")
        _ = try await registry.record([event(.heartbeat, at: 0.5)], by: "ci")
        #expect(try await store.worker(id: "Importer01", liveness: liveness(at: 1))?.lastReceivedAt == t0)
        // Stored deadline 3 s: a flush interval of 1 s leaves 2 s of margin, so at 1.5 s it goes to the store.
        _ = try await registry.record([event(.heartbeat, at: 1.5)], by: "ci")
        let written = try await store.worker(id: "Importer01", liveness: liveness(at: 1.5))
        #expect(written?.lastReceivedAt == t0.addingTimeInterval(1.5) && written?.heartbeats == 2)
        try await registry.shutdown()
        await fixture.remove()
    }

    @Test("different descriptions, TTLs and groups are state changes, written before their answer", arguments: StoreKind.available)
    func descriptionChanges(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = try await fixture.open(), clock = ManualClock(t0)
        let registry = registry(store, clock: clock)
        _ = try await registry.record([event(.started, ttl: 60)], by: "ci")
        var newHost = event(.heartbeat, at: 1)
        newHost.host = "box-2"
        var newTTL = event(.heartbeat, at: 2)
        newTTL.ttl = 120
        let moved = event(.heartbeat, group: "product.exporter", at: 3)
        for (heartbeat, check) in [(newHost, { (worker: Worker?) in worker?.host == "box-2" }), (newTTL, { $0?.ttl == 120 }), (moved, { $0?.group == "product.exporter" })] {
            _ = try await registry.record([heartbeat], by: "ci")
            #expect(check(try await store.worker(id: "Importer01", liveness: liveness(at: 3))))
        }
        try await registry.shutdown()
        await fixture.remove()
    }

    @Test("the sweep writes the buffered heartbeats first, so no worker that kept beating is recorded lost", arguments: StoreKind.available)
    func sweepAfterFlush(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = try await fixture.open(), clock = ManualClock(t0)
        let registry = registry(store, clock: clock)
        _ = try await registry.record([event(.started, ttl: 10), event(.started, id: "Silent", ttl: 10)], by: "ci")
        _ = try await registry.record([event(.heartbeat, at: 3), event(.heartbeat, at: 6)], by: "ci")
        clock.advance(by: 12)
        #expect(try await registry.recordLostWorkers() == 1)
        #expect(try await registry.workers(WorkerQuery(statuses: [.lost])).workers.map(\.id) == ["Silent"])
        try await registry.shutdown()
        await fixture.remove()
    }

    @Test("a flush leaves alone a worker another writer stopped, and forgets it", arguments: StoreKind.available)
    func otherWriter(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = try await fixture.open(), clock = ManualClock(t0)
        let registry = registry(store, clock: clock)
        _ = try await registry.record([event(.started, ttl: 60)], by: "ci")
        _ = try await registry.record([event(.heartbeat, at: 5)], by: "ci")
        _ = try await store.apply([event(.stopped, at: 6, exitCode: 0)], liveness: liveness(at: 6))  // as another replica would
        try await registry.flushHeartbeats()
        let stopped = try await store.worker(id: "Importer01", liveness: liveness(at: 6))
        #expect(stopped?.status == .stopped && stopped?.heartbeats == 0)
        _ = try await registry.record([event(.heartbeat, at: 8)], by: "ci")
        #expect(try await store.worker(id: "Importer01", liveness: liveness(at: 8))?.status == .running)
        try await registry.shutdown()
        await fixture.remove()
    }

    @Test("a flush of more workers than one transaction writes takes several, and writes them all", arguments: StoreKind.available)
    func largeFlush(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = try await fixture.open(), clock = ManualClock(t0)
        let registry = registry(store, clock: clock)
        let ids = (0..<700).map { "w\($0)" }
        for start in stride(from: 0, to: ids.count, by: 100) {
            _ = try await registry.record(ids[start..<start + 100].map { event(.started, id: $0, ttl: 60) }, by: "ci")
        }
        _ = try await registry.record(ids.map { event(.heartbeat, id: $0, at: 5) }, by: "ci")
        try await registry.flushHeartbeats()
        let workers = try await store.workers(WorkerQuery(limit: 1000), liveness: liveness(at: 5)).workers
        #expect(workers.count == 700 && workers.allSatisfy { $0.heartbeats == 1 && $0.lastSeen == t0.addingTimeInterval(5) })
        try await registry.shutdown()
        await fixture.remove()
    }

    @Test("on PostgreSQL a flush skips a row another replica's transaction holds, and writes it with the next flush")
    func heldRow() async throws {
        guard StoreKind.available.contains(.postgres) else { return }
        let fixture = try await StoreFixture(.postgres)
        let store = try await fixture.open(), otherReplica = try await fixture.open(), clock = ManualClock(t0)
        let registry = registry(store, clock: clock)
        _ = try await registry.record([event(.started, ttl: 60)], by: "ci")
        _ = try await registry.record([event(.heartbeat, at: 5)], by: "ci")
        let database = try #require((otherReplica as? SQLStore)?.database)
        try await database.write { connection in
            try await connection.run(SQLStatement("SELECT id FROM workers WHERE id = 'Importer01' FOR UPDATE"))
            try await registry.flushHeartbeats()  // another connection: the row is skipped, not waited for
        }
        #expect(try await store.worker(id: "Importer01", liveness: liveness(at: 5))?.heartbeats == 0)
        try await registry.flushHeartbeats()
        #expect(try await store.worker(id: "Importer01", liveness: liveness(at: 5))?.heartbeats == 1)
        try await fixture.stop(otherReplica)
        try await registry.shutdown()
        await fixture.remove()
    }

    @Test("shutting down writes the heartbeats still buffered", arguments: StoreKind.available)
    func shutdownFlushes(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let clock = ManualClock(t0)
        let registry = registry(try await fixture.open(), clock: clock)
        _ = try await registry.record([event(.started, ttl: 60)], by: "ci")
        _ = try await registry.record([event(.heartbeat, at: 5)], by: "ci")
        #expect(try await registry.store.worker(id: "Importer01", liveness: liveness(at: 5))?.heartbeats == 0)
        try await registry.shutdown()
        let store = try await fixture.open()
        #expect(try await store.worker(id: "Importer01", liveness: liveness(at: 5))?.heartbeats == 1)
        try await store.close()
        await fixture.remove()
    }
}
