import Foundation
@testable import Registry
import Testing

/// The outbox, the webhooks and the delivery log, on SQLite and PostgreSQL alike.
@Suite("Outbox store")
struct OutboxStoreTests {
    /// Opens a fresh store of `kind`, runs `body`, closes the store and removes what it made.
    private func withStore(_ kind: StoreKind, _ body: (SQLStore) async throws -> Void) async throws {
        let fixture = try await StoreFixture(kind)
        let opened = try await fixture.open()
        do {
            try await body(try #require(opened as? SQLStore))
        } catch {
            try? await opened.close()
            await fixture.remove()
            throw error
        }
        try await opened.close()
        await fixture.remove()
    }

    private func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    private func webhook(_ name: String, group: String? = nil, kinds: Set<ProblemKind> = [], secret: String? = nil) -> Webhook {
        Webhook(name: name, url: URL(string: "http://127.0.0.1:9/\(name)")!, format: .json, group: group, kinds: kinds, secret: secret, createdAt: t0)
    }

    private func problem(_ id: Int64, worker: String = "imp-1", group: String = "product.importer") -> Problem {
        Problem(id: id, kind: .failed, subject: .worker(worker), group: group, openedAt: at(0), detail: "disk full")
    }

    /// Queues a notification of `problem` for `webhook`, created at `created` and due at `due` (seconds after t0).
    private func enqueue(_ store: SQLStore, _ webhook: String, _ problem: Problem, change: ProblemChange = .opened, created: Double = 0, due: Double = 10)
        async throws
    {
        let statement = try OutboxSQL(dialect: store.database.dialect)
            .enqueue(ProblemNotification(webhook: webhook, change: change, problem: problem, createdAt: at(created)), dueAt: at(due))
        try await store.database.write { try await $0.run(statement) }
    }

    private func execute(_ store: SQLStore, _ sql: String) async throws {
        try await store.database.write { try await $0.run(SQLStatement(sql)) }
    }

    @Test("a webhook reads back as it was set, and setting it again replaces it", arguments: StoreKind.available)
    func webhooks(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let hook = webhook("oncall", group: "product", kinds: [.lost, .failed], secret: "s3cret")
            try await store.setWebhook(hook)
            try await store.setWebhook(webhook("all"))
            #expect(try await store.webhook(named: "oncall") == hook)
            #expect(try await store.webhooks().map(\.name) == ["all", "oncall"])
            #expect(try await store.webhook(named: "all")?.kinds == [])
            #expect(try await store.webhook(named: "all")?.group == nil)
            var changed = hook
            changed.kinds = []
            changed.secret = nil
            changed.format = .slack
            try await store.setWebhook(changed)
            #expect(try await store.webhook(named: "oncall") == changed)
            #expect(try await store.webhook(named: "missing") == nil)
        }
    }

    @Test("the webhooks file's replace removes what it no longer declares and keeps what it still does, with its queue", arguments: StoreKind.available)
    func fileWebhooks(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.setWebhook(webhook("by-api"))
            try await store.setWebhook(webhook("taken-over"))
            var declared = webhook("declared", kinds: [.lost])
            declared.createdAt = at(50)
            var takenOver = webhook("taken-over", group: "product")
            takenOver.createdAt = at(50)
            try await store.replaceFileWebhooks([declared, takenOver])
            #expect(try await store.webhooks().map { "\($0.name):\($0.fromFile)" } == ["by-api:false", "declared:true", "taken-over:true"])
            #expect(try await store.webhook(named: "taken-over")?.createdAt == t0)  // it keeps when it was first made
            #expect(try await store.webhook(named: "taken-over")?.group == "product")
            try await enqueue(store, "declared", problem(1))

            // Declared again, changed: replaced, its queue kept; no longer declared: removed with its queue.
            declared.kinds = [.failed]
            declared.createdAt = at(90)
            try await store.replaceFileWebhooks([declared])
            #expect(try await store.webhooks().map(\.name) == ["by-api", "declared"])
            #expect(try await store.webhook(named: "declared")?.kinds == [.failed])
            #expect(try await store.webhook(named: "declared")?.createdAt == at(50))
            #expect(try await store.dueNotifications(by: at(10), limit: 10).map(\.webhook) == ["declared"])
            try await store.replaceFileWebhooks([])
            #expect(try await store.webhooks().map(\.name) == ["by-api"])
            #expect(try await store.dueNotifications(by: at(10), limit: 10).isEmpty)
        }
    }

    @Test("due notifications are those due by now, in the order they were queued, at most the limit", arguments: StoreKind.available)
    func due(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await enqueue(store, "a", problem(1), due: 10)
            try await enqueue(store, "b", problem(1), due: 5)
            try await enqueue(store, "a", problem(2), change: .resolved, due: 30)
            #expect(try await store.dueNotifications(by: at(4), limit: 10).isEmpty)
            let due = try await store.dueNotifications(by: at(10), limit: 10)
            #expect(due.map(\.webhook) == ["a", "b"])
            let first = try #require(due.first)
            #expect(first.problem == problem(1))
            #expect(first.change == .opened)
            #expect(first.createdAt == at(0))
            #expect(first.attempts == 0)
            #expect(first.stableID == "1.opened")
            #expect(try await store.dueNotifications(by: at(30), limit: 2).count == 2)
            #expect(try await store.dueNotifications(by: at(30), limit: 10).map(\.stableID) == ["1.opened", "1.opened", "2.resolved"])
        }
    }

    @Test("a delivered notification is not due again, and the attempt is in the log", arguments: StoreKind.available)
    func delivered(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await enqueue(store, "a", problem(1))
            try await enqueue(store, "a", problem(2))
            let ids = try await store.dueNotifications(by: at(10), limit: 10).map(\.id)
            try await store.recordDelivery(
                DeliveryRecord(webhook: "a", at: at(11), notifications: ids, statusCode: 204, error: nil, duration: 0.25), retryAt: nil)
            #expect(try await store.dueNotifications(by: at(1000), limit: 10).isEmpty)
            let log = try await store.deliveries(toWebhook: "a", limit: 10)
            #expect(log.count == 1)
            let entry = try #require(log.first)
            #expect(entry.notifications == ids)
            #expect(entry.statusCode == 204)
            #expect(entry.delivered)
            #expect(entry.at == at(11))
            #expect(entry.duration == 0.25)
        }
    }

    @Test("a failed attempt is counted and due again at its retry time", arguments: StoreKind.available)
    func retried(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await enqueue(store, "a", problem(1))
            let id = try #require(try await store.dueNotifications(by: at(10), limit: 10).first?.id)
            try await store.recordDelivery(
                DeliveryRecord(webhook: "a", at: at(10), notifications: [id], statusCode: 500, error: "HTTP 500", duration: 0.1), retryAt: at(15))
            #expect(try await store.dueNotifications(by: at(14), limit: 10).isEmpty)
            let again = try #require(try await store.dueNotifications(by: at(15), limit: 10).first)
            #expect(again.id == id)
            #expect(again.attempts == 1)
            #expect(again.stableID == "1.opened")
            #expect(try await store.deliveries(toWebhook: "a", limit: 10).first?.error == "HTTP 500")
        }
    }

    @Test("a notification given up is never due again", arguments: StoreKind.available)
    func givenUp(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await enqueue(store, "a", problem(1))
            let id = try #require(try await store.dueNotifications(by: at(10), limit: 10).first?.id)
            try await store.recordDelivery(
                DeliveryRecord(webhook: "a", at: at(10), notifications: [id], statusCode: nil, error: "connection refused", duration: 0), retryAt: nil)
            #expect(try await store.dueNotifications(by: at(1_000_000), limit: 10).isEmpty)
            let entry = try #require(try await store.deliveries(toWebhook: "a", limit: 10).first)
            #expect(entry.statusCode == nil)
            #expect(!entry.delivered)
        }
    }

    @Test("the log lists a webhook's attempts newest first, at most the limit; a test send changes no notification", arguments: StoreKind.available)
    func log(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            for second in 0..<3 {
                try await store.recordDelivery(
                    DeliveryRecord(webhook: "a", at: at(Double(second)), notifications: [], statusCode: 200, error: nil, duration: 0), retryAt: nil)
            }
            try await store.recordDelivery(DeliveryRecord(webhook: "b", at: at(9), notifications: [], statusCode: 200, error: nil, duration: 0), retryAt: nil)
            #expect(try await store.deliveries(toWebhook: "a", limit: 2).map(\.at) == [at(2), at(1)])
            #expect(try await store.deliveries(toWebhook: "b", limit: 10).count == 1)
            #expect(try await store.deliveries(toWebhook: "c", limit: 10).isEmpty)
        }
    }

    @Test("removing a webhook removes its notifications and its log, not another's", arguments: StoreKind.available)
    func remove(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.setWebhook(webhook("a"))
            try await store.setWebhook(webhook("b"))
            try await enqueue(store, "a", problem(1))
            try await enqueue(store, "b", problem(1))
            for name in ["a", "b"] {
                try await store.recordDelivery(DeliveryRecord(webhook: name, at: at(1), notifications: [], statusCode: 200, error: nil, duration: 0), retryAt: nil)
            }
            #expect(try await store.removeWebhook(named: "a"))
            #expect(try await !store.removeWebhook(named: "a"))
            #expect(try await store.webhooks().map(\.name) == ["b"])
            #expect(try await store.dueNotifications(by: at(10), limit: 10).map(\.webhook) == ["b"])
            #expect(try await store.deliveries(toWebhook: "a", limit: 10).isEmpty)
            #expect(try await store.deliveries(toWebhook: "b", limit: 10).count == 1)
        }
    }

    @Test("open problems come with the active silence covering their worker or a group at or above theirs", arguments: StoreKind.available)
    func openProblems(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let opened = t0.timeIntervalSince1970
            for (scope, subject, group) in [("worker", "imp-1", "product.importer"), ("worker", "imp-2", "product.importer"),
                                            ("group", "products", "products"), ("group", "price", "price"), ("worker", "imp-3", "other")] {
                try await execute(store, "INSERT INTO problems (kind, scope, subject, grp, opened_at, detail) VALUES ('lost', '\(scope)', '\(subject)', '\(group)', \(opened), 'gone')")
            }
            try await execute(store, "INSERT INTO problems (kind, scope, subject, grp, opened_at, resolved_at, resolution) VALUES ('lost', 'worker', 'old', 'product', \(opened), \(opened + 1), 'back')")
            try await execute(store, "UPDATE problems SET acknowledged_by = 'alice', acknowledged_at = \(opened + 5), note = 'on it' WHERE subject = 'imp-2'")
            let silences = [("group", "product", 100.0), ("worker", "imp-3", 100), ("group", "price", -1), ("worker", "imp-1", 100)]
            for (scope, subject, until) in silences {
                try await execute(store, "INSERT INTO silences (scope, subject, until, author, created_at) VALUES ('\(scope)', '\(subject)', \(opened + until), 'ops', \(opened))")
            }
            let problems = try await store.openProblems(now: at(10))
            #expect(problems.map(\.subject) == [.worker("imp-1"), .worker("imp-2"), .group("products"), .group("price"), .worker("imp-3")])
            #expect(problems.map(\.silencedBy) == [1, 1, nil, nil, 2])
            let first = try #require(problems.first)
            #expect(first == Problem(id: 1, kind: .lost, subject: .worker("imp-1"), group: "product.importer", openedAt: t0, detail: "gone", silencedBy: 1))
            #expect(problems[1].acknowledgement == Acknowledgement(by: "alice", at: at(5), note: "on it"))
            #expect(try await store.openProblems(now: at(200)).allSatisfy { $0.silencedBy == nil })
        }
    }

    @Test("retention removes old delivered and given-up notifications and old log entries, never pending ones", arguments: StoreKind.available)
    func prune(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await enqueue(store, "a", problem(1), created: 0, due: 0)
            try await enqueue(store, "a", problem(2), created: 0, due: 0)
            try await enqueue(store, "a", problem(3), created: 0, due: 0)
            try await enqueue(store, "a", problem(4), created: 50, due: 50)
            let due = try await store.dueNotifications(by: at(50), limit: 10).map(\.id)
            try await store.recordDelivery(DeliveryRecord(webhook: "a", at: at(1), notifications: [due[0], due[3]], statusCode: 200, error: nil, duration: 0), retryAt: nil)
            try await store.recordDelivery(DeliveryRecord(webhook: "a", at: at(60), notifications: [due[1]], statusCode: nil, error: "timed out", duration: 0), retryAt: nil)
            let sql = OutboxSQL(dialect: store.database.dialect)
            let (notifications, deliveries) = try await store.database.write { connection in
                (try await connection.count(sql.pruneNotifications(before: self.at(40))), try await connection.count(sql.pruneDeliveries(before: self.at(40))))
            }
            #expect(notifications == 2)
            #expect(deliveries == 1)
            try await store.recordDelivery(DeliveryRecord(webhook: "a", at: at(70), notifications: [due[2]], statusCode: 500, error: "HTTP 500", duration: 0), retryAt: at(80))
            #expect(try await store.dueNotifications(by: at(100), limit: 10).map(\.id) == [due[2]])
            #expect(try await store.deliveries(toWebhook: "a", limit: 10).map(\.at) == [at(70), at(60)])
        }
    }
}
