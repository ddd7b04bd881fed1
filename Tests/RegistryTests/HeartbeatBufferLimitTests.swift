import Foundation
import Testing

@testable import Registry

@Suite("Heartbeat buffer limit")
struct HeartbeatBufferLimitTests {
    @Test("past its limit of unwritten workers the buffer sends heartbeats to the store, and takes them again once written")
    func limit() {
        let buffer = HeartbeatBuffer(flushInterval: 1, maxUnwritten: 2)
        let started = ["a", "b", "c"].map { event(.started, id: $0, ttl: 60) }
        #expect(buffer.absorb(started, liveness: liveness(at: 0)) == [nil, nil, nil])
        buffer.settle(started, as: started.map { WorkerTransition.apply($0, to: nil, liveness: liveness(at: 0)).worker })
        let beats = ["a", "b", "c", "a"].map { event(.heartbeat, id: $0, at: 1) }
        let answered = buffer.absorb(beats, liveness: liveness(at: 1)).map { $0 != nil }
        #expect(answered == [true, true, false, true])  // "c" past the limit; "a" again is no more unwritten workers
        let flush = buffer.takeFlush(limit: 10)
        #expect(Set(flush.touches.keys) == ["a", "b"] && flush.touches["a"]?.beats == 2)
        buffer.flushed(flush.touches, HeartbeatWrite(updated: ["a", "b"]))
        #expect(buffer.absorb([event(.heartbeat, id: "b", at: 2)], liveness: liveness(at: 2)).map { $0 != nil } == [true])
    }
}
