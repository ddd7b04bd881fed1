import Foundation
import Testing

@testable import Registry

/// What pushes through the Pushgateway API keep: families per worker and grouping key, replaced (PUT) or merged
/// (POST), removed with a DELETE, a new run, the worker's removal; exposed only while the worker runs.
@Suite("Pushed series")
struct PushStoreTests {
    private func family(_ name: String, _ type: MetricType = .gauge, value: Int = 1, series: Int = 1) -> PushedFamily {
        let samples = (0..<series).map { "\(name){n=\"\($0)\"} \(value)\n" }.joined()
        return PushedFamily(name: name, type: type, help: "", samples: samples, series: series)
    }

    private func push(
        _ method: MetricPush.Method, _ families: [PushedFamily], id: String = "db1", grouping: String = "job=\"backup\",instance=\"db1\"",
        kind: EventKind = .heartbeat, at seconds: Double, ttl: Double? = 60
    ) -> WorkerEvent {
        var pushed = event(kind, id: id, group: "backup", at: seconds, ttl: ttl)
        pushed.push = MetricPush(method: method, grouping: grouping, families: families)
        return pushed
    }

    private func exposed(_ store: any WorkerStore, at seconds: Double) async throws -> [String] {
        try await store.metricsSnapshot(liveness: liveness(at: seconds), includeWorkers: false).pushed
            .map { "\($0.workerID) \($0.grouping) \($0.family.samples)" }
    }

    @Test("PUT replaces a grouping key's families, POST those of its names, DELETE them all; other keys stay", arguments: StoreKind.available)
    func methods(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let other = "job=\"backup\",instance=\"db1\",disk=\"b\""
            _ = try await store.apply([
                push(.replace, [family("rows", value: 1), family("seconds", value: 2)], at: 0),
                push(.replace, [family("rows", value: 9)], grouping: other, at: 0),
            ], liveness: liveness(at: 0))
            #expect(try await exposed(store, at: 1).count == 3)
            _ = try await store.apply([push(.merge, [family("rows", value: 5)], at: 1)], liveness: liveness(at: 1))
            #expect(try await exposed(store, at: 1).sorted() == [
                "db1 job=\"backup\",instance=\"db1\" rows{n=\"0\"} 5\n", "db1 job=\"backup\",instance=\"db1\" seconds{n=\"0\"} 2\n",
                "db1 \(other) rows{n=\"0\"} 9\n",
            ])
            _ = try await store.apply([push(.replace, [family("rows", value: 6)], at: 2)], liveness: liveness(at: 2))
            #expect(try await exposed(store, at: 2).sorted() == ["db1 job=\"backup\",instance=\"db1\" rows{n=\"0\"} 6\n", "db1 \(other) rows{n=\"0\"} 9\n"])
            _ = try await store.apply([push(.delete, [], grouping: other, at: 3)], liveness: liveness(at: 3))
            let state = try await store.pushedState(workerID: "db1", names: ["rows"])
            #expect(state.ownSeries == [PushedState.Entry(grouping: "job=\"backup\",instance=\"db1\"", name: "rows", series: 1)])
            #expect(state.runningTypes == ["rows": [.gauge]])
        }
    }

    @Test("series show while the worker runs, leave when it is lost or stops, and a new run starts from none", arguments: StoreKind.available)
    func lifetime(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.apply([push(.replace, [family("rows"), family("seconds")], at: 0, ttl: 10)], liveness: liveness(at: 0))
            #expect(try await exposed(store, at: 5).count == 2)
            #expect(try await exposed(store, at: 11).isEmpty, "past its TTL, before the sweep marks it lost")
            #expect(try await store.pushedState(workerID: "other", names: ["rows"]).runningTypes == ["rows": [.gauge]])
            // Back after the loss: a POST of one family does not bring back the last run's other one.
            _ = try await store.apply([push(.merge, [family("rows", value: 3)], at: 20, ttl: 10)], liveness: liveness(at: 20))
            #expect(try await exposed(store, at: 21) == ["db1 job=\"backup\",instance=\"db1\" rows{n=\"0\"} 3\n"])
            _ = try await store.apply([event(.stopped, id: "db1", group: "backup", at: 22)], liveness: liveness(at: 22))
            #expect(try await exposed(store, at: 23).isEmpty)
            #expect(try await store.pushedState(workerID: "other", names: ["rows"]).runningTypes.isEmpty, "a stopped worker holds no type")
            #expect(try await store.removeWorker(id: "db1", now: t0.addingTimeInterval(24)))
            #expect(try await store.pushedState(workerID: "db1", names: []).ownSeries.isEmpty)
        }
    }

    @Test("a push is refused for a name another running worker pushes with another type, and past the series limit")
    func refusals() {
        let state = PushedState(
            ownSeries: [.init(grouping: "g", name: "rows", series: 600), .init(grouping: "h", name: "rows", series: 300)],
            runningTypes: ["rows": [.counter]])
        let asGauge = MetricPush(method: .merge, grouping: "g", families: [family("rows", .gauge)])
        #expect(asGauge.refusal(given: state, maxSeries: 1000)?.message.contains("pushed as a gauge, but running workers push it as a counter") == true)
        let more = family("lag", series: 150)
        #expect(MetricPush(method: .merge, grouping: "g", families: [more]).refusal(given: state, maxSeries: 1000)?.message
            == "the worker would keep 1050 pushed series, more than the limit of 1000")
        #expect(MetricPush(method: .replace, grouping: "g", families: [more]).refusal(given: state, maxSeries: 1000) == nil, "PUT replaces g's 600")
        #expect(MetricPush(method: .merge, grouping: "g", families: [family("rows", .counter, series: 700)]).refusal(given: state, maxSeries: 1000) == nil)
    }

    @Test("a pusher without a TTL learns one: three times the longest interval between its pushes in a run")
    func learntTTL() {
        var pushed = event(.heartbeat, at: 0)
        pushed.ttlFromIntervals = true
        var worker = WorkerTransition.apply(pushed, to: nil, liveness: liveness(at: 0)).worker
        #expect(worker.ttl == nil, "one push tells no interval")
        for (at, learnt) in [(60.0, 180.0), (61, 180), (161, 300)] {
            pushed.at = t0.addingTimeInterval(at)
            pushed.receivedAt = pushed.at
            worker = WorkerTransition.apply(pushed, to: worker, liveness: liveness(at: at)).worker
            #expect(worker.ttl == learnt, "a quick retry does not shorten it")
        }
        // Lost (silent past 300 s), then back: the outage is no interval.
        pushed.at = t0.addingTimeInterval(2000)
        pushed.receivedAt = pushed.at
        worker = WorkerTransition.apply(pushed, to: worker, liveness: liveness(at: 2000)).worker
        #expect(worker.ttl == 300 && worker.runStartedAt == pushed.at)
    }
}
