import Foundation
import Testing

@testable import Registry

/// Problems open and resolve with the state changes and the expectations that call for them, on SQLite and PostgreSQL.
@Suite("Problems")
struct ProblemStoreTests {
    private func open(_ store: any WorkerStore, at seconds: Double = 0) async throws -> [Problem] {
        try await store.problems(ProblemQuery(), now: t0.addingTimeInterval(seconds))
    }

    private func all(_ store: any WorkerStore) async throws -> [Problem] {
        try await store.problems(ProblemQuery(states: Set(ProblemState.allCases)), now: t0)
    }

    private func expect(_ subject: Subject, at seconds: Double = 0, _ configure: (inout Registry.Expectation) -> Void) -> Registry.Expectation {
        var expectation = Registry.Expectation(subject: subject, since: t0.addingTimeInterval(seconds))
        configure(&expectation)
        return expectation
    }

    @Test("a failed run opens a failed problem with what the worker said; a later clean stop resolves it", arguments: StoreKind.available)
    func failedThenSucceeded(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.apply([event(.started), event(.stopped, at: 1, message: "disk full", exitCode: 3)], liveness: liveness(at: 1))
            let failed = try #require(try await open(store).first)
            #expect(failed.kind == .failed && failed.subject == .worker("Importer01") && failed.group == "product.importer")
            #expect(failed.detail == "disk full; exit code 3")
            _ = try await store.apply([event(.started, at: 2)], liveness: liveness(at: 2))
            #expect(try await open(store).map(\.kind) == [], "a restart of a worker without a schedule resolves its failure")

            _ = try await store.apply([event(.stopped, at: 3, exitCode: 1)], liveness: liveness(at: 3))
            try await store.setExpectation(expect(.group("product")) { $0.schedule = .every(seconds: 3600) })
            _ = try await store.apply([event(.started, at: 4)], liveness: liveness(at: 4))
            #expect(try await open(store).map(\.kind) == [.failed], "a scheduled job's failure stays until a run succeeds")
            _ = try await store.apply([event(.stopped, at: 5, exitCode: 0)], liveness: liveness(at: 5))
            #expect(try await open(store).isEmpty)
            let resolutions = try await all(store).compactMap(\.resolution)
            #expect(resolutions == ["a run stopped cleanly", "a new run started"])
        }
    }

    @Test("with failures '3 in 1h', only the third failure within the hour opens a problem", arguments: StoreKind.available)
    func failureThreshold(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.setExpectation(expect(.group("product.importer")) { $0.failures = FailureThreshold(count: 3, window: 3600) })
            let failures: [Double] = [0, 4000, 5000, 6000]
            var opened: [Int] = []
            for at in failures {
                _ = try await store.apply([event(.started, at: at), event(.stopped, at: at + 1, exitCode: 1)], liveness: liveness(at: at + 1))
                opened.append(try await open(store, at: at + 1).count)
            }
            // 0 is alone in its hour; 4000 and 5000 make two; 6000 is the third within an hour.
            #expect(opened == [0, 0, 0, 1])
        }
    }

    @Test("the sweep opens a lost problem; the worker's next sign of life resolves it", arguments: StoreKind.available)
    func lostThenBack(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.apply([event(.started, ttl: 10)], liveness: liveness(at: 0))
            #expect(try await store.recordLostWorkers(liveness: liveness(at: 11)).count == 1)
            let lost = try #require(try await open(store).first)
            #expect(lost.kind == .lost)
            #expect(lost.detail?.contains("TTL 10s") == true)
            _ = try await store.apply([event(.heartbeat, at: 12, ttl: 10)], liveness: liveness(at: 12))
            #expect(try await open(store).isEmpty)
            #expect(try await all(store).first?.resolution == "a new run started", "coming back from lost starts a run")
        }
    }

    @Test("min_running: down with none, degraded with fewer, resolved at the minimum; removing the expectation resolves its problem", arguments: StoreKind.available)
    func runningCounts(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.setExpectation(expect(.group("queue")) { $0.minRunning = 2 })
            #expect(try await store.checkExpectations(liveness: liveness(at: 1)) == 1)
            #expect(try await open(store).map(\.kind) == [.down])
            #expect(try await open(store).first?.detail == "none running, at least 2 expected")
            _ = try await store.apply([event(.started, id: "c1", group: "queue.eu")], liveness: liveness(at: 2))
            _ = try await store.checkExpectations(liveness: liveness(at: 2))
            #expect(try await open(store).map(\.kind) == [.degraded])
            _ = try await store.checkExpectations(liveness: liveness(at: 3))
            #expect(try await open(store).count == 1, "an unchanged cause keeps its one problem")
            _ = try await store.apply([event(.started, id: "c2", group: "queue.us")], liveness: liveness(at: 4))
            _ = try await store.checkExpectations(liveness: liveness(at: 4))
            #expect(try await open(store).isEmpty)

            _ = try await store.apply([event(.stopped, id: "c2", group: "queue.us", at: 5)], liveness: liveness(at: 5))
            _ = try await store.checkExpectations(liveness: liveness(at: 5))
            #expect(try await open(store).map(\.kind) == [.degraded])
            #expect(try await store.removeExpectation(.group("queue")))
            _ = try await store.checkExpectations(liveness: liveness(at: 6))
            #expect(try await open(store).isEmpty)
            #expect(try await all(store).first?.resolution == "the expectation changed")
        }
    }

    @Test("a schedule: late after the grace, missed at the next expected start, both resolved when a run starts", arguments: StoreKind.available)
    func lateAndMissed(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.setExpectation(expect(.worker("nightly")) {
                $0.schedule = .every(seconds: 100)
                $0.grace = 10
            })
            _ = try await store.checkExpectations(liveness: liveness(at: 109))
            #expect(try await open(store).isEmpty, "within the grace")
            _ = try await store.checkExpectations(liveness: liveness(at: 111))
            #expect(try await open(store).map(\.kind) == [.late])
            _ = try await store.checkExpectations(liveness: liveness(at: 200))
            #expect(Set(try await open(store).map(\.kind)) == [.late, .missed])
            _ = try await store.apply([event(.started, id: "nightly", group: "jobs", at: 201)], liveness: liveness(at: 201))
            #expect(try await open(store).isEmpty, "the start resolves both in its own transaction")
            _ = try await store.checkExpectations(liveness: liveness(at: 202))
            #expect(try await open(store).isEmpty)
        }
    }

    @Test("a group's schedule is met by a run of any worker below it", arguments: StoreKind.available)
    func groupSchedule(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.setExpectation(expect(.group("jobs")) {
                $0.schedule = .every(seconds: 100)
                $0.grace = 0
            })
            _ = try await store.checkExpectations(liveness: liveness(at: 101))
            #expect(try await open(store).map(\.kind) == [.late])
            _ = try await store.apply([event(.started, id: "run-7", group: "jobs.import", at: 102)], liveness: liveness(at: 102))
            #expect(try await open(store).isEmpty)
            _ = try await store.checkExpectations(liveness: liveness(at: 150))
            #expect(try await open(store).isEmpty, "the next start is expected at 202")
        }
    }

    @Test("overrun past max_runtime, resolved when the run ends; the nearest expectation's max_runtime wins", arguments: StoreKind.available)
    func overrun(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.setExpectation(expect(.group("product")) { $0.maxRuntime = 60 })
            try await store.setExpectation(expect(.worker("slow")) { $0.maxRuntime = 600 })
            _ = try await store.apply([event(.started), event(.started, id: "slow")], liveness: liveness(at: 0))
            _ = try await store.checkExpectations(liveness: liveness(at: 61))
            let problems = try await open(store)
            #expect(problems.map(\.kind) == [.overrun])
            #expect(problems.first?.subject == .worker("Importer01"))
            _ = try await store.apply([event(.stopped, at: 62)], liveness: liveness(at: 62))
            #expect(try await open(store).isEmpty)
        }
    }

    @Test("resolve_after: a crashed ephemeral instance stops being a problem after that time", arguments: StoreKind.available)
    func ephemeral(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.setExpectation(expect(.group("consumers")) { $0.resolveAfter = 3600 })
            _ = try await store.apply([event(.started, id: "c-81f2", group: "consumers.orders"), event(.stopped, id: "c-81f2", group: "consumers.orders", at: 1, exitCode: 137)],
                                      liveness: liveness(at: 1))
            _ = try await store.checkExpectations(liveness: liveness(at: 3000))
            #expect(try await open(store).map(\.kind) == [.failed])
            _ = try await store.checkExpectations(liveness: liveness(at: 3602))
            #expect(try await open(store).isEmpty)
            #expect(try await all(store).first?.resolution == "an ephemeral instance: resolve_after 1h passed")
        }
    }

    @Test("an acknowledged problem is still listed, counted apart, and cannot be acknowledged once resolved", arguments: StoreKind.available)
    func acknowledge(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.apply([event(.started), event(.stopped, at: 1, exitCode: 2)], liveness: liveness(at: 1))
            let problem = try #require(try await open(store).first)
            let acknowledged = try #require(try await store.acknowledge(problem: problem.id, Acknowledgement(by: "alice", at: t0, note: "on it")))
            #expect(acknowledged.state == .acknowledged && acknowledged.acknowledgement?.by == "alice")
            #expect(try await store.openProblemCounts() == [ProblemCount(group: "product.importer", kind: .failed, open: 0, acknowledged: 1)])
            #expect(try await store.problems(ProblemQuery(states: [.open]), now: t0).isEmpty)
            _ = try await store.apply([event(.started, at: 2)], liveness: liveness(at: 2))
            #expect(try await store.acknowledge(problem: problem.id, Acknowledgement(by: "bob", at: t0)) == nil)
            #expect(try await store.problem(id: problem.id, now: t0)?.state == .resolved)
        }
    }

    @Test("the file's expectations replace the file's; the API cannot change a subject the file manages", arguments: StoreKind.available)
    func fileExpectations(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.setExpectation(expect(.group("api")) { $0.minRunning = 1 })
            try await store.replaceFileExpectations([expect(.group("a")) { $0.minRunning = 1 }, expect(.group("b")) { $0.minRunning = 2 }])
            try await store.replaceFileExpectations([expect(.group("b"), at: 50) { $0.minRunning = 2 }])
            let expectations = try await store.expectations()
            #expect(expectations.map(\.subject) == [.group("api"), .group("b")])
            #expect(expectations.last?.since == t0, "an unchanged expectation keeps when it was declared")
            #expect(expectations.last?.source == .file)
            await #expect(throws: AttentionError.managedByFile(.group("b"))) { try await store.setExpectation(expect(.group("b")) { $0.minRunning = 9 }) }
            await #expect(throws: AttentionError.managedByFile(.group("b"))) { _ = try await store.removeExpectation(.group("b")) }
        }
    }

    @Test("changes are queued for the webhooks that hear of them, in one batch; none under a silence or after an acknowledgement", arguments: StoreKind.available)
    func outbox(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let database = try #require(store as? SQLStore).database
            try await database.write { connection in
                try await connection.run(SQLStatement("INSERT INTO webhooks (name, url, format, grp, kinds, created_at) VALUES ('all', 'http://x', 'json', NULL, '', 0)"))
                try await connection.run(SQLStatement("INSERT INTO webhooks (name, url, format, grp, kinds, created_at) VALUES ('lost-only', 'http://x', 'json', NULL, 'lost', 0)"))
                try await connection.run(SQLStatement("INSERT INTO webhooks (name, url, format, grp, kinds, created_at) VALUES ('other', 'http://x', 'json', 'other', '', 0)"))
            }
            func queued() async throws -> [(webhook: String, change: String, due: Double)] {
                try await database.read { connection in
                    try await connection.rows(SQLStatement("SELECT webhook, change, next_attempt_at FROM notifications ORDER BY id")) {
                        (try $0.text("webhook"), try $0.text("change"), try $0.double("next_attempt_at"))
                    }
                }
            }
            _ = try await store.apply([event(.started), event(.stopped, at: 1, exitCode: 2)], liveness: liveness(at: 1))
            _ = try await store.apply([event(.started, at: 3)], liveness: liveness(at: 3))
            var rows = try await queued()
            #expect(rows.map(\.webhook) == ["all", "all"])
            #expect(rows.map(\.change) == ["opened", "resolved"])
            #expect(Set(rows.map(\.due)) == [t0.timeIntervalSince1970 + 1 + 10], "the resolution joins the batch waiting for its window")

            _ = try await store.addSilence(Silence(subject: .group("product"), until: t0.addingTimeInterval(100), author: "ops", createdAt: t0))
            _ = try await store.apply([event(.stopped, at: 4, exitCode: 2)], liveness: liveness(at: 4))
            #expect(try await queued().count == 2, "silenced")
            #expect(try await open(store, at: 4).first?.silencedBy != nil)
            #expect(try await store.endSilence(id: 1, now: t0.addingTimeInterval(5)))

            _ = try await store.apply([event(.started, at: 6), event(.stopped, at: 7, exitCode: 2)], liveness: liveness(at: 7))
            let problem = try #require(try await open(store, at: 7).first)
            _ = try await store.acknowledge(problem: problem.id, Acknowledgement(by: "alice", at: t0.addingTimeInterval(8)))
            _ = try await store.apply([event(.started, at: 9)], liveness: liveness(at: 9))
            rows = try await queued()
            #expect(rows.map(\.change).suffix(2) == ["opened", "acknowledged"], "nothing after the acknowledgement")
        }
    }
}
