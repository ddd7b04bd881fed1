import Foundation
import Registry
import Synchronization
import Testing

/// Every store behaves the same: these run against SQLite and PostgreSQL alike.
@Suite("Stores")
struct StoreTests {
    private let now = liveness(at: 100)

    @Test("what was committed is there after closing and reopening", arguments: StoreKind.available)
    func persistsAcrossReopen(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        var store = try await fixture.open()
        var started = event(.started, ttl: 600)
        started.labels = ["team": "data"]
        _ = try await store.apply(
            [started, event(.message, at: 1, message: "importing"), event(.error, at: 2, message: "bad row", action: "skipped")],
            liveness: now)
        let before = try await store.worker(id: "Importer01", liveness: now)
        try await store.close()

        store = try await fixture.open()
        let after = try await store.worker(id: "Importer01", liveness: now)
        #expect(after == before)
        #expect(after?.labels == ["team": "data"])
        #expect(after?.message == "importing")
        #expect(after?.errorCount == 1)
        let history = try await store.history(HistoryQuery(workerID: "Importer01"))
        #expect(history.map(\.event) == [.error, .message, .started])
        let counters = try await store.metricsSnapshot(liveness: now, includeWorkers: false)
        #expect(counters.eventTotals == ["started": 1, "message": 1, "error": 1])
        #expect(counters.errorTotals == ["product.importer": 1])
        try await store.close()
        await fixture.remove()
    }

    @Test("a stored value that does not read as its column's type is an error naming the column", arguments: StoreKind.available)
    func badValuesFailLoudly(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        func worker(_ id: String, status: String, heartbeats: String) -> String {
            "INSERT INTO workers (id, grp, status, status_since, run_started_at, last_seen, last_received_at, heartbeats) "
                + "VALUES ('\(id)', 'a', '\(status)', 0, 0, 0, 0, \(heartbeats))"
        }
        // SQLite keeps any value in any column; PostgreSQL only values of the column's type.
        let badType = kind == .sqlite ? [worker("many", status: "running", heartbeats: "'many'")] : []
        try await fixture.prepare(schemaVersion: fixture.schemaVersion, [worker("odd", status: "resting", heartbeats: "0")] + badType)
        let store = try await fixture.open()
        let expected = "column 'live_status' holds 'resting', expected a worker status"
        let oddMessage = await #expect(throws: StoreError.self) { try await store.worker(id: "odd", liveness: now) }?.message
        #expect(oddMessage == expected)
        #expect(await #expect(throws: StoreError.self) { try await store.workers(WorkerQuery(id: .glob("o*")), liveness: now) }?.message == expected)
        if kind == .sqlite {
            let typeMessage = await #expect(throws: StoreError.self) { try await store.worker(id: "many", liveness: now) }?.message
            #expect(typeMessage == "column 'heartbeats' holds text, expected an integer")
        }
        try await fixture.stop(store)
        await fixture.remove()
    }

    @Test("listing filters by id glob, group subtree or glob, and status as shown now", arguments: StoreKind.available)
    func filters(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.apply([
                event(.started, id: "Importer01", group: "product.importer"),
                event(.started, id: "Importer02", group: "product.importer.bulk", ttl: 10),
                event(.started, id: "Promo01", group: "price.promotion"),
                event(.stopped, id: "Promo01", group: "price.promotion", at: 1),
                event(.started, id: "Other", group: "products"),
            ], liveness: liveness(at: 0))
            func ids(_ query: WorkerQuery) async throws -> [String] {
                try await store.workers(query, liveness: now).workers.map(\.id)
            }
            #expect(try await ids(WorkerQuery()) == ["Importer01", "Importer02", "Other", "Promo01"])
            #expect(try await ids(WorkerQuery(id: .glob("*"))).count == 4)
            #expect(try await ids(WorkerQuery(id: .glob("Importer*"))) == ["Importer01", "Importer02"])
            #expect(try await ids(WorkerQuery(id: .exact("Promo01"))) == ["Promo01"])
            #expect(try await ids(WorkerQuery(group: .subtree("product"))) == ["Importer01", "Importer02"])
            #expect(try await ids(WorkerQuery(group: .glob("product.*"))) == ["Importer01", "Importer02"])
            #expect(try await ids(WorkerQuery(group: .glob("*.promotion"))) == ["Promo01"])
            #expect(try await ids(WorkerQuery(statuses: [.running])) == ["Importer01", "Other"])
            #expect(try await ids(WorkerQuery(statuses: [.lost, .stopped])) == ["Importer02", "Promo01"])
        }
    }

    @Test("a search finds text in the id, host, version or latest message, ignoring ASCII case, % and _ literally", arguments: StoreKind.available)
    func search(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            var started = event(.started, id: "Importer01", group: "product.importer")
            started.host = "Box-A"
            started.version = "2.3.1"
            _ = try await store.apply([
                started, event(.started, id: "Promo_01", group: "price.promotion"),
                event(.message, id: "Promo_01", group: "price.promotion", at: 1, message: "at 50% of the batch"),
            ], liveness: liveness(at: 0))
            func ids(_ text: String) async throws -> [String] {
                try await store.workers(WorkerQuery(search: text), liveness: now).workers.map(\.id)
            }
            #expect(try await ids("box-a") == ["Importer01"])
            #expect(try await ids("2.3") == ["Importer01"])
            #expect(try await ids("IMPORTER") == ["Importer01"])
            #expect(try await ids("50% OF") == ["Promo_01"])
            #expect(try await ids("o_0") == ["Promo_01"])
            #expect(try await ids("r_0").isEmpty, "_ is not a wildcard")
            #expect(try await ids("5%f").isEmpty, "% is not a wildcard")
        }
    }

    @Test("the newest errors of several workers are read at once, each worker's own, newest first", arguments: StoreKind.available)
    func errorsOfWorkers(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.apply([
                event(.error, id: "a", at: 1, message: "one"), event(.error, id: "a", at: 2, message: "two"),
                event(.message, id: "a", at: 3, message: "not an error"), event(.error, id: "a", at: 4, message: "three"),
                event(.error, id: "b", at: 5, message: "only"), event(.message, id: "c", at: 6, message: "no errors"),
            ], liveness: liveness(at: 0))
            let errors = try await store.errors(ofWorkers: ["a", "b", "c"], limit: 2)
            #expect(errors.mapValues { $0.compactMap(\.message) } == ["a": ["three", "two"], "b": ["only"]])
        }
    }

    @Test("GroupFilter.matches (used for scoped keys) agrees with the store's own filtering", arguments: StoreKind.available)
    func filterAgreesWithStore(_ kind: StoreKind) async throws {
        // `cafe\u{301}` is canonically equivalent to `caf\u{e9}` as Swift Characters, but not to the databases.
        let groups = ["product", "product.importer", "product.importer.bulk", "products", "price.promotion", "a_b.c%d", "x.product.y",
                      "cafe\u{301}.x", "caf\u{e9}.y"]
        let filters: [GroupFilter] = [
            .subtree("product"), .subtree("product.importer"), .glob("product.*"), .glob("*.promotion"), .glob("*product*"),
            .glob("p?ice.*"), .glob("a_b.*"), .glob("*"), .glob("product.*.bulk"), .glob("product*"),
            .subtree("caf\u{e9}"), .glob("caf?.*"), .glob("cafe?.*"),
        ]
        try await withStore(kind) { store in
            _ = try await store.apply(groups.map { event(.started, id: "in-" + $0, group: $0) }, liveness: liveness(at: 0))
            for filter in filters {
                let stored = try await store.workers(WorkerQuery(group: filter), liveness: now).workers.map { String($0.id.dropFirst(3)) }
                #expect(Set(stored) == Set(groups.filter(filter.matches)), "\(filter)")
            }
        }
    }

    @Test("pages follow the cursor until the last one", arguments: StoreKind.available)
    func paging(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let events = (0..<25).map { event(.started, id: String(format: "w%02d", $0)) }
            _ = try await store.apply(events, liveness: now)
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await store.workers(WorkerQuery(limit: 10, after: cursor), liveness: now)
                seen += page.workers.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen == events.map(\.id))
        }
    }

    @Test("group counts use the status as shown now", arguments: StoreKind.available)
    func groupCounts(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.apply([
                event(.started, id: "a", group: "g", ttl: 10), event(.started, id: "b", group: "g"),
                event(.stopped, id: "c", group: "h", exitCode: 2),
            ], liveness: liveness(at: 0))
            let counts = try await store.groupCounts(liveness: now)
            #expect(counts.contains(GroupCount(group: "g", status: .lost, count: 1)))
            #expect(counts.contains(GroupCount(group: "g", status: .running, count: 1)))
            #expect(counts.contains(GroupCount(group: "h", status: .failed, count: 1)))
        }
    }

    @Test("the sweep records each lost worker once, at its deadline", arguments: StoreKind.available)
    func recordsLostWorkers(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.apply([event(.started, id: "a", ttl: 10), event(.started, id: "b")], liveness: liveness(at: 0))
            #expect(try await store.recordLostWorkers(liveness: liveness(at: 5)).count == 0)
            #expect(try await store.recordLostWorkers(liveness: now).count == 1)
            #expect(try await store.recordLostWorkers(liveness: now).count == 0)
            let history = try await store.history(HistoryQuery(workerID: "a"))
            #expect(history.first?.event == .lost)
            #expect(history.first?.at == t0.addingTimeInterval(10))
        }
    }

    @Test("retention removes old stopped workers and old history, keeps running workers", arguments: StoreKind.available)
    func prunes(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.apply([
                event(.started, id: "old"), event(.stopped, id: "old", at: 1), event(.started, id: "alive"),
            ], liveness: liveness(at: 0))
            let policy = RetentionPolicy(workers: 3600, history: 7200, historyLimit: 1000)
            let soon = try await store.prune(policy, now: t0.addingTimeInterval(60))
            #expect(soon == PruneReport(workers: 0, historyEntries: 0))
            let later = try await store.prune(policy, now: t0.addingTimeInterval(3700))
            #expect(later.workers == 1)
            // A stop dated far in the past by the worker is kept for the full retention, counted from its receipt.
            _ = try await store.apply([event(.stopped, id: "backdated", at: -30 * 86_400, receivedAt: 3650)], liveness: liveness(at: 3650))
            #expect(try await store.prune(policy, now: t0.addingTimeInterval(3760)).workers == 0)
            #expect(try await store.worker(id: "backdated", liveness: now) != nil)
            let muchLater = try await store.prune(policy, now: t0.addingTimeInterval(7300))
            #expect(muchLater.historyEntries == 3)
            #expect(muchLater.workers == 1)
            #expect(try await store.workers(WorkerQuery(), liveness: now).workers.map(\.id) == ["alive"])
        }
    }

    @Test("the history is capped at its limit, oldest entries first out", arguments: StoreKind.available)
    func capsHistory(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.apply((0..<30).map { event(.message, at: Double($0), message: "m\($0)") }, liveness: now)
            let report = try await store.prune(RetentionPolicy(historyLimit: 10), now: t0)
            #expect(report.historyEntries == 20)
            let kept = try await store.history(HistoryQuery())
            #expect(kept.map(\.message) == (20..<30).reversed().map { "m\($0)" })
        }
    }

    @Test("deregistering removes the worker and its history", arguments: StoreKind.available)
    func removes(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.apply([event(.started), event(.message, at: 1, message: "x")], liveness: now)
            #expect(try await store.removeWorker(id: "Importer01", now: now.now))
            #expect(try await store.removeWorker(id: "Importer01", now: now.now) == false)
            #expect(try await store.worker(id: "Importer01", liveness: now) == nil)
            #expect(try await store.history(HistoryQuery(workerID: "Importer01")).isEmpty)
        }
    }

    @Test("errors filter by group and time, newest first", arguments: StoreKind.available)
    func errorQueries(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.apply([
                event(.error, id: "a", group: "product.importer", at: 1, message: "e1", action: "logged"),
                event(.error, id: "b", group: "price", at: 2, message: "e2", action: "retried"),
                event(.error, id: "a", group: "product.importer", at: 3, message: "e3", action: "skipped"),
            ], liveness: now)
            let product = try await store.history(HistoryQuery(group: .subtree("product"), events: [.error]))
            #expect(product.map(\.message) == ["e3", "e1"])
            let recent = try await store.history(HistoryQuery(events: [.error], since: t0.addingTimeInterval(2)))
            #expect(recent.map(\.message) == ["e3", "e2"])
            #expect(recent.first?.action == "skipped")
        }
    }
}

@Suite("SQLite file")
struct SQLiteFileTests {
    @Test("an existing empty file is migrated to the current schema")
    func migratesEmptyFile() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        #expect(FileManager.default.createFile(atPath: directory.databasePath, contents: Data()))
        let store = try await openSQLiteStore(path: directory.databasePath)
        _ = try await store.apply([event(.started)], liveness: liveness(at: 100))
        #expect(try await store.worker(id: "Importer01", liveness: liveness(at: 100))?.status == .running)
        try await store.close()
        // Opening again applies nothing twice.
        let reopened = try await openSQLiteStore(path: directory.databasePath)
        #expect(try await reopened.workers(WorkerQuery(), liveness: liveness(at: 100)).workers.count == 1)
        try await reopened.close()
    }

    @Test("a file that is not a database is refused with a clear error")
    func refusesGarbage() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        #expect(FileManager.default.createFile(atPath: directory.databasePath, contents: Data(repeating: 0x41, count: 4096)))
        await #expect(throws: StoreError.self) { try await openSQLiteStore(path: directory.databasePath) }
    }
}

@Suite("WorkerRegistry")
struct RegistryTests {
    @Test("concurrent requests are group-committed and every one gets its own outcome", arguments: StoreKind.available)
    func groupCommit(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let commits = CommitLog()
        let registry = WorkerRegistry(store: try await fixture.open(), clock: ManualClock(t0).wallClock) { events, _ in commits.record(events) }
        let outcomes = try await withThrowingTaskGroup(of: (Int, EventOutcome).self) { group in
            for index in 0..<200 {
                group.addTask {
                    (index, try await registry.record([event(index.isMultiple(of: 2) ? .started : .stopped, id: "w\(index)")])[0])
                }
            }
            return try await group.reduce(into: [Int: EventOutcome]()) { $0[$1.0] = $1.1 }
        }
        for index in 0..<200 {
            #expect(outcomes[index]?.status == (index.isMultiple(of: 2) ? .running : .stopped), "w\(index)")
        }
        #expect(commits.events == 200)
        #expect(commits.transactions < 200)  // requests shared transactions
        #expect(try await registry.workers(WorkerQuery(limit: 1000)).workers.count == 200)
        try await registry.shutdown()
        await fixture.remove()
    }

    @Test("TTL expiry follows the injected clock, with no sleeping")
    func ttlWithManualClock() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let clock = ManualClock(t0)
        let registry = WorkerRegistry(store: try await openSQLiteStore(path: directory.databasePath),
                                settings: RegistrySettings(defaultTTL: 30), clock: clock.wallClock)
        _ = try await registry.record([event(.started, id: "a"), event(.started, id: "b", ttl: 0)])
        clock.advance(by: 31)
        let lost = try await registry.workers(WorkerQuery(statuses: [.lost]))
        #expect(lost.workers.map(\.id) == ["a"])
        #expect(try await registry.recordLostWorkers() == 1)
        let detail = try #require(try await registry.detail(ofWorker: "a"))
        #expect(detail.history.map(\.status) == [.lost, .running])
        try await registry.shutdown()
    }

    @Test("after a restart workers get one TTL of grace before they are lost")
    func restartGrace() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let clock = ManualClock(t0)
        var registry = WorkerRegistry(store: try await openSQLiteStore(path: directory.databasePath), clock: clock.wallClock)
        _ = try await registry.record([event(.started, id: "a", ttl: 30)])
        try await registry.shutdown()

        clock.advance(by: 600)  // the server was down for ten minutes
        registry = WorkerRegistry(store: try await openSQLiteStore(path: directory.databasePath), clock: clock.wallClock)
        #expect(try await registry.workers(WorkerQuery()).workers.first?.status == .running)
        clock.advance(by: 31)
        #expect(try await registry.workers(WorkerQuery()).workers.first?.status == .lost)
        try await registry.shutdown()
    }

    @Test("a closed registry refuses writes with a store error")
    func closedStore() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let registry = WorkerRegistry(store: try await openSQLiteStore(path: directory.databasePath))
        try await registry.shutdown()
        await #expect(throws: StoreError.closed) { try await registry.record([event(.started)]) }
    }
}

/// Counts what the group commit wrote.
final class CommitLog: Sendable {
    private let counts = Mutex((transactions: 0, events: 0))

    func record(_ events: Int) {
        counts.withLock { $0 = ($0.transactions + 1, $0.events + events) }
    }

    var transactions: Int { counts.withLock { $0.transactions } }
    var events: Int { counts.withLock { $0.events } }
}
