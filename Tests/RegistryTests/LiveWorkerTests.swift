import Foundation
import Testing

@testable import Registry

/// The buffer's record of a running worker, which keeps its description as hashes: a heartbeat repeating it is
/// absorbed, one changing any part of it is not.
@Suite("Live worker records")
struct LiveWorkerTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    private var stored: Worker {
        Worker(id: "w", group: "product.importer", status: .running, statusSince: t0, runStartedAt: t0, lastSeen: t0, lastReceivedAt: t0,
               ttl: 60, host: "box-1.example.internal", pid: 4242, version: "2.3.4-build.17", labels: ["region": "eu-west-1", "tier": "gold"])
    }

    private func heartbeat(_ change: (inout WorkerEvent) -> Void = { _ in }) -> WorkerEvent {
        var event = WorkerEvent(id: "w", group: "product.importer", kind: .heartbeat, at: t0 + 5, receivedAt: t0 + 5)
        change(&event)
        return event
    }

    private func absorbs(_ event: WorkerEvent, _ worker: Worker? = nil) -> Bool {
        LiveWorker(worker ?? stored).absorbs(event, liveness: Liveness(now: t0 + 5, graceStart: t0, defaultTTL: 30), margin: 2)
    }

    @Test("a heartbeat without a description, or repeating it whole, is absorbed")
    func sameDescription() {
        #expect(absorbs(heartbeat()))
        #expect(absorbs(heartbeat {
            $0.ttl = 60
            $0.host = "box-1.example.internal"
            $0.pid = 4242
            $0.version = "2.3.4-build.17"
            $0.labels = ["tier": "gold", "region": "eu-west-1"]
        }))
    }

    @Test("a heartbeat changing any part of the description or the TTL is not")
    func changedDescription() {
        #expect(!absorbs(heartbeat { $0.ttl = 61 }))
        #expect(!absorbs(heartbeat { $0.host = "box-2.example.internal" }))
        #expect(!absorbs(heartbeat { $0.pid = 4243 }))
        #expect(!absorbs(heartbeat { $0.version = "2.3.5" }))
        #expect(!absorbs(heartbeat { $0.labels = ["region": "eu-west-1"] }))
        #expect(!absorbs(heartbeat { $0.labels = ["region": "eu-west-1", "tier": "silver"] }))
    }

    @Test("a worker stored without a description or TTL absorbs heartbeats without them, not ones bringing them")
    func noDescription() {
        let bare = Worker(id: "w", group: "product.importer", status: .running, statusSince: t0, runStartedAt: t0, lastSeen: t0, lastReceivedAt: t0)
        #expect(absorbs(heartbeat(), bare))
        #expect(absorbs(heartbeat { $0.labels = [:] }, bare))
        #expect(!absorbs(heartbeat { $0.ttl = 30 }, bare))
        #expect(!absorbs(heartbeat { $0.host = "" }, bare))
        #expect(!absorbs(heartbeat { $0.pid = 0 }, bare))
        #expect(!absorbs(heartbeat { $0.version = "" }, bare))
    }
}
