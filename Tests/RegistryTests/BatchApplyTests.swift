import Foundation
import Registry
import Testing

/// A transaction of many events writes exactly what the same events written one transaction each write: the workers
/// are read at once and written in multi-row statements, so this checks the order of it all.
@Suite("Events written together")
struct BatchApplyTests {
    @Test("one transaction of 400 mixed events equals 400 transactions of one", arguments: StoreKind.available)
    func batchEqualsOneByOne(_ kind: StoreKind) async throws {
        let together = try await StoreFixture(kind), oneByOne = try await StoreFixture(kind)
        let batchStore = try await together.open(), singleStore = try await oneByOne.open()
        var random = SplitMix64(seed: 0x6261_7463)
        let kinds: [EventKind] = [.started, .heartbeat, .heartbeat, .message, .error, .stopped]
        var events: [WorkerEvent] = []
        for n in 0..<400 {
            let id = "w\(random.below(12))", kind = kinds[random.below(kinds.count)]
            // Now and then an event sent earlier than the one before it: late, kept in the history only.
            let at = Double(n) - (random.below(10) == 0 ? 30 : 0)
            var next = event(kind, id: id, group: random.below(8) == 0 ? "other" : "product.importer", at: at, receivedAt: Double(n),
                             ttl: kind == .started ? 60 : nil, message: kind == .message || kind == .error ? "said \(n)" : nil,
                             action: kind == .error && random.below(2) == 0 ? "aborted" : nil, exitCode: kind == .stopped ? random.below(3) : nil)
            if kind == .stopped && random.below(3) == 0 { next.message = "stopped after \(n)" }
            events.append(next)
        }
        // A stop that says nothing but its exit code takes its detail from the error before it, read from the history.
        events += [event(.started, id: "z", at: 390, ttl: 60), event(.error, id: "z", at: 391, message: "disk full"),
                   event(.stopped, id: "z", at: 392, exitCode: 3)]
        let judged = liveness(at: 400)
        let outcomes = try await batchStore.apply(events, liveness: judged)
        var single: [EventOutcome] = []
        for event in events { single += try await singleStore.apply([event], liveness: judged) }
        #expect(outcomes == single)

        let everyone = WorkerQuery(limit: WorkerQuery.maxLimit)
        #expect(try await batchStore.workers(everyone, liveness: judged).workers == (try await singleStore.workers(everyone, liveness: judged).workers))
        let history = HistoryQuery(limit: HistoryQuery.maxLimit)
        let stripped = { (entries: [HistoryEntry]) in entries.map { entry -> HistoryEntry in var entry = entry; entry.sequence = 0; return entry } }
        let written = try await batchStore.history(history), expected = try await singleStore.history(history)
        #expect(written.count > 200 && stripped(written) == stripped(expected), "\(written.count) entries")
        #expect(written.map(\.sequence) == written.map(\.sequence).sorted(by: >), "newest first, as appended")
        let problems = ProblemQuery(limit: 1000)
        let opened = try await batchStore.problems(problems, now: judged.now), openedOneByOne = try await singleStore.problems(problems, now: judged.now)
        #expect(opened.map(\.detail) == openedOneByOne.map(\.detail) && opened.map(\.subject) == openedOneByOne.map(\.subject))
        #expect(opened.first { $0.subject == .worker("z") }?.detail == "disk full; exit code 3")
        try await together.stop(batchStore)
        try await oneByOne.stop(singleStore)
        await together.remove()
        await oneByOne.remove()
    }
}
