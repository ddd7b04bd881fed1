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

    /// A buffer that knows `count` running workers (`w0`, `w1`, ...), the first `heartbeating` of them with a
    /// heartbeat unwritten, in order.
    private func runningWorkers(_ count: Int, heartbeating: Int) -> (HeartbeatBuffer, [String]) {
        let buffer = HeartbeatBuffer(flushInterval: 1, maxUnwritten: 10_000)
        let ids = (0..<count).map { "w\($0)" }
        let started = ids.map { event(.started, id: $0, ttl: 600) }
        _ = buffer.absorb(started, liveness: liveness(at: 0))
        buffer.settle(started, as: started.map { WorkerTransition.apply($0, to: nil, liveness: liveness(at: 0)).worker })
        _ = buffer.absorb(ids[..<heartbeating].map { event(.heartbeat, id: $0, at: 1) }, liveness: liveness(at: 1))
        return (buffer, ids)
    }

    @Test("a flush that cannot take every unwritten worker takes those waiting longest, however the newer ones hash")
    func longestWaitingFirst() {
        let (buffer, ids) = runningWorkers(3_000, heartbeating: 2_000)
        var taken: [String] = []
        for round in 0..<4 {
            let flush = buffer.takeFlush(limit: 500)
            taken += ids.filter { flush.touches[$0] != nil }
            buffer.flushed(flush.touches, HeartbeatWrite(updated: Set(flush.touches.keys)))
            // Meanwhile newer workers, and some already taken, heartbeat again: they wait behind the rest.
            _ = buffer.absorb((ids[(2_000 + round * 250)..<(2_250 + round * 250)] + ids[..<100]).map { event(.heartbeat, id: $0, at: 2) },
                              liveness: liveness(at: 2))
        }
        #expect(taken == Array(ids[..<2_000]))
        let next = buffer.takeFlush(limit: 250)
        #expect(Set(next.touches.keys) == Set(ids[2_000..<2_250]))
    }

    @Test("workers whose write failed go first in the next flush, ahead of those that waited less")
    func failedFirst() {
        let (buffer, ids) = runningWorkers(1_500, heartbeating: 1_000)
        let failed = buffer.takeFlush(limit: 500)
        _ = buffer.absorb(ids[1_000...].map { event(.heartbeat, id: $0, at: 2) }, liveness: liveness(at: 2))
        buffer.restore(failed.touches, tally: failed.tally)
        let retried = buffer.takeFlush(limit: 500)
        #expect(Set(retried.touches.keys) == Set(failed.touches.keys) && retried.touches.count == 500)
        #expect(Set(buffer.takeFlush(limit: 500).touches.keys) == Set(ids[500..<1_000]))
    }
}

@Suite("Workers waiting to be written")
struct DirtyWorkersTests {
    @Test("taken in the order they joined, once each; one removed is skipped, and joins again at the end")
    func order() {
        var dirty = DirtyWorkers()
        for id in ["c", "a", "b", "a", "d"] { dirty.insert(id) }
        dirty.remove("b")
        dirty.insert("e")
        dirty.insert("b")
        #expect(dirty.count == 5 && dirty.contains("b") && !dirty.contains("z"))
        var taken: [String] = []
        while let id = dirty.popLongestWaiting() { taken.append(id) }
        #expect(taken == ["c", "a", "d", "e", "b"])
        #expect(dirty.count == 0 && dirty.popLongestWaiting() == nil)
    }

    @Test("one put back goes ahead of the line, in the order put back, unless it left and joined the line again")
    func putBackAhead() {
        var dirty = DirtyWorkers()
        for id in ["a", "b", "c"] { dirty.insert(id) }
        dirty.putBackAhead("x")
        dirty.putBackAhead("y")
        dirty.putBackAhead("a")  // waits already: keeps its place
        dirty.remove("y")
        dirty.insert("y")
        var taken: [String] = []
        while let id = dirty.popLongestWaiting() { taken.append(id) }
        #expect(taken == ["x", "a", "b", "c", "y"])
    }

    @Test("a long line of joins and takes keeps its order past the compaction of its front")
    func longLine() {
        var dirty = DirtyWorkers()
        var expected: [String] = [], taken: [String] = []
        for n in 0..<20_000 {
            dirty.insert("w\(n)")
            expected.append("w\(n)")
            if n % 7 == 0, n >= 10 {
                // One that waits leaves and joins again: it moves to the end.
                let moved = "w\(n - 10)"
                if dirty.contains(moved) {
                    dirty.remove(moved)
                    dirty.insert(moved)
                    expected.removeAll { $0 == moved }
                    expected.append(moved)
                }
            }
            if n % 3 == 0, let id = dirty.popLongestWaiting() { taken.append(id) }
        }
        while let id = dirty.popLongestWaiting() { taken.append(id) }
        #expect(taken == expected)
    }
}
