import Foundation
import Logging
import Notifications
@testable import Registry
import ServiceLifecycle
import SQLiteExecutor
import Testing

/// The dispatcher against a real SQLite store and a real receiver over loopback, ticked by hand on a hand-moved clock.
@Suite("Notification dispatcher")
struct DispatcherTests {
    /// A store on a fresh SQLite file, and a running dispatcher over it whose own timer never fires during a test.
    private func withDispatcher(
        policy: NotificationPolicy = NotificationPolicy(), leased: Bool = true,
        _ body: @Sendable (SQLStore, NotificationDispatcher, ManualClock) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wokmanager-notify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = SQLStore(database: try await SQLiteDatabase.open(path: folder.appendingPathComponent("outbox.sqlite").path))
        let clock = ManualClock(t0)
        let logger = Logger(label: "dispatcher-tests")
        let dispatcher = NotificationDispatcher(
            outbox: store, pageURL: pageURL, policy: policy, tick: .seconds(3600), holdsLease: { leased }, now: { clock.now }, logger: logger)
        let group = ServiceGroup(services: [dispatcher], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        let running = Task { try await group.run() }
        do {
            try await body(store, dispatcher, clock)
        } catch {
            await group.triggerGracefulShutdown()
            _ = await running.result
            try? await store.close()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await running.value
        try await store.close()
    }

    /// Queues a notification of `problem` for `webhook`, due now.
    private func enqueue(_ store: SQLStore, _ webhook: String, _ problem: Problem, change: ProblemChange = .opened, at created: Date = t0) async throws {
        let statement = try OutboxSQL(dialect: store.database.dialect)
            .enqueue(ProblemNotification(webhook: webhook, change: change, problem: problem, createdAt: created), dueAt: created)
        try await store.database.write { try await $0.run(statement) }
    }

    @Test("due notifications go out once, one message per webhook with all of its due ones")
    func deliversOncePerWebhook() async throws {
        try await withReceiver { receiver, url in
            try await withDispatcher { store, dispatcher, _ in
                try await store.setWebhook(webhook("a", url: url.appendingPathComponent("a")))
                try await store.setWebhook(webhook("b", url: url.appendingPathComponent("b")))
                for id in Int64(1)...3 { try await enqueue(store, "a", workerProblem(id)) }
                try await enqueue(store, "b", workerProblem(1))
                try await enqueue(store, "b", groupProblem(), change: .resolved)
                await dispatcher.deliverDue()
                await dispatcher.deliverDue()
                let received = receiver.received.sorted { $0.path < $1.path }
                #expect(received.map(\.path) == ["/a", "/b"])
                #expect(received.first?.notificationIDs == ["1.opened", "2.opened", "3.opened"])
                #expect(received.last?.notificationIDs == ["1.opened", "7.resolved"])
                #expect(received.first?.headers["x-wokmanager-delivery"] == received.first?.json["id"] as? String)
                #expect(try await store.dueNotifications(by: at(3600), limit: 10).isEmpty)
                let log = try await store.deliveries(toWebhook: "a", limit: 10)
                #expect(log.count == 1)
                #expect(log.first?.statusCode == 204)
                #expect(log.first?.notifications.count == 3)
            }
        }
    }

    @Test("a message to a webhook with a secret is signed, and the signature verifies")
    func signed() async throws {
        try await withReceiver { receiver, url in
            try await withDispatcher { store, dispatcher, clock in
                try await store.setWebhook(webhook(url: url, secret: "s3cret"))
                try await enqueue(store, "hook", workerProblem())
                await dispatcher.deliverDue()
                let message = try #require(receiver.received.first)
                let signature = try #require(message.headers["x-wokmanager-signature"])
                #expect(WebhookSignature.verify(signature, secret: "s3cret", body: message.body, now: clock.now))
                #expect(message.headers["content-type"] == "application/json")
            }
        }
    }

    @Test("a 500 is logged and retried after the policy's delay, with the same stable ids")
    func retriesAfterFailure() async throws {
        try await withReceiver(failing: 1) { receiver, url in
            try await withDispatcher { store, dispatcher, clock in
                try await store.setWebhook(webhook(url: url))
                try await enqueue(store, "hook", workerProblem())
                await dispatcher.deliverDue()
                let failed = try #require(try await store.deliveries(toWebhook: "hook", limit: 10).first)
                #expect(failed.error == "HTTP 500")
                #expect(failed.statusCode == 500)
                await dispatcher.deliverDue()
                #expect(receiver.received.count == 1)
                clock.advance(by: NotificationPolicy().retryDelay(afterAttempts: 1))
                await dispatcher.deliverDue()
                #expect(receiver.received.map(\.notificationIDs) == [["42.opened"], ["42.opened"]])
                #expect(receiver.received.map { $0.json["id"] as? String } == ["42.opened", "42.opened"])
                #expect(try await store.deliveries(toWebhook: "hook", limit: 10).map(\.delivered) == [true, false])
            }
        }
    }

    @Test("a notification still failing after giveUpAfter is given up")
    func givesUp() async throws {
        let policy = NotificationPolicy(firstRetryDelay: 5, maxRetryDelay: 20, giveUpAfter: 60)
        try await withReceiver(failing: 100) { receiver, url in
            try await withDispatcher(policy: policy) { store, dispatcher, clock in
                try await store.setWebhook(webhook(url: url))
                try await enqueue(store, "hook", workerProblem())
                for _ in 0..<10 {
                    await dispatcher.deliverDue()
                    clock.advance(by: 20)
                }
                let attempts = receiver.received.count
                #expect(attempts == 5)  // at 0, 20, 40, 60 and 80 s, when it is past 60 s old and given up
                #expect(try await store.dueNotifications(by: at(1_000_000), limit: 10).isEmpty)
                #expect(try await store.deliveries(toWebhook: "hook", limit: 10).count == attempts)
            }
        }
    }

    @Test("a refused connection is an error in the log; a notification for a removed webhook is given up")
    func unreachable() async throws {
        try await withDispatcher { store, dispatcher, clock in
            try await store.setWebhook(webhook(url: URL(string: "http://127.0.0.1:9/hook")!))
            try await enqueue(store, "hook", workerProblem())
            try await enqueue(store, "gone", workerProblem())
            await dispatcher.deliverDue()
            let refused = try #require(try await store.deliveries(toWebhook: "hook", limit: 10).first)
            #expect(refused.error == "connection refused")
            #expect(refused.statusCode == nil)
            #expect(try await store.deliveries(toWebhook: "gone", limit: 10).first?.error == "the webhook was removed")
            clock.advance(by: 3600)
            #expect(try await store.dueNotifications(by: clock.now, limit: 10).map(\.webhook) == ["hook"])
        }
    }

    @Test("nothing is sent while another replica holds the lease")
    func onlyTheLeaseHolderSends() async throws {
        try await withReceiver { receiver, url in
            try await withDispatcher(leased: false) { store, dispatcher, _ in
                try await store.setWebhook(webhook(url: url))
                try await enqueue(store, "hook", workerProblem())
                await dispatcher.deliverDue()
                #expect(receiver.received.isEmpty)
                #expect(try await store.dueNotifications(by: t0, limit: 10).count == 1)
            }
        }
    }

    @Test("Alertmanager hears every open, unacknowledged, unsilenced problem again each resend interval")
    func resendsFiringAlerts() async throws {
        try await withReceiver { receiver, url in
            try await withDispatcher { store, dispatcher, clock in
                try await store.setWebhook(webhook("am", url: url, format: .alertmanager, group: "product"))
                let opened = t0.timeIntervalSince1970
                try await store.database.write { connection in
                    for (subject, group, acknowledged) in [("imp-1", "product.importer", false), ("imp-2", "product.importer", true), ("x", "other", false)] {
                        try await connection.run(SQLStatement(
                            "INSERT INTO problems (kind, scope, subject, grp, opened_at, acknowledged_by, acknowledged_at) VALUES ('lost', 'worker', '\(subject)', '\(group)', \(opened), "
                                + (acknowledged ? "'alice', \(opened))" : "NULL, NULL)")))
                    }
                }
                await dispatcher.deliverDue()
                clock.advance(by: 30)
                await dispatcher.deliverDue()
                #expect(receiver.received.count == 1)
                clock.advance(by: 30)
                await dispatcher.deliverDue()
                #expect(receiver.received.count == 2)
                let alerts = try #require(try receiver.received.last?.body.json() as? [[String: Any]])
                #expect(receiver.received.allSatisfy { $0.path == "/api/v2/alerts" })
                #expect(alerts.map { ($0["labels"] as? [String: String])?["worker"] } == ["imp-1"])
                #expect(alerts.first?["endsAt"] as? String == RFC3339.format(at(60 + 240)))
            }
        }
    }

    @Test("a test send reaches the receiver in the webhook's format and is in the delivery log")
    func sendTest() async throws {
        try await withReceiver(failing: 1) { receiver, url in
            try await withDispatcher { store, dispatcher, _ in
                let hook = webhook(url: url)
                let failed = await dispatcher.sendTest(to: hook)
                #expect(failed.error == "HTTP 500")
                let record = await dispatcher.sendTest(to: hook)
                #expect(record.delivered)
                #expect(record.notifications.isEmpty)
                let entry = try #require((receiver.received.last?.json["notifications"] as? [[String: Any]])?.first)
                #expect(entry["id"] as? String == "test.\(Int(t0.timeIntervalSince1970))")
                #expect(entry["worker"] as? String == "wokmanager-test")
                #expect(entry["group"] as? String == "wokmanager.test")
                #expect(entry["kind"] as? String == "failed")
                #expect(try await store.deliveries(toWebhook: "hook", limit: 10).map(\.delivered) == [true, false])
            }
        }
    }
}
