import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Registry
import Testing
import Web

@Suite("GET /metrics")
struct MetricsRouteTests {
    /// The value of one sample line, e.g. `wokmanager_workers_running{group="g"}`.
    private func value(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }

    private func scrape(_ client: any TestClientProtocol) async throws -> String {
        String(buffer: try await client.send(.get, "/metrics").body)
    }

    @Test("numbers reported with events: group gauges while running, counters that keep growing, the worker's page, and 400 for a bad one")
    func workerNumbers() async throws {
        try await withApp(perWorkerMetrics: true) { client, clock in
            let metrics = #", "metrics": {"rows_processed_total": 1200, "queue_lag_seconds": 3.5}"#
            try await client.postState(eventJSON("a", "product.importer", "heartbeat", extra: metrics + #", "ttl": 30"#))
            try await client.postState(eventJSON("b", "product.importer", "heartbeat", extra: #", "metrics": {"queue_lag_seconds": 1.5}"#))
            var text = try await scrape(client)
            #expect(value(text, #"wokmanager_group_reported{group="product.importer",name="queue_lag_seconds",aggregate="sum"}"#) == 5)
            #expect(value(text, #"wokmanager_group_reported{group="product.importer",name="queue_lag_seconds",aggregate="max"}"#) == 3.5)
            #expect(value(text, #"wokmanager_group_reporting_workers{group="product.importer",name="queue_lag_seconds"}"#) == 2)
            #expect(value(text, #"wokmanager_group_reported_total{group="product.importer",name="rows_processed_total"}"#) == 1200)
            #expect(value(text, #"wokmanager_worker_reported{id="a",group="product.importer",name="queue_lag_seconds"}"#) == 3.5)
            #expect(text.contains("# TYPE wokmanager_group_reported_total counter"))

            let page = String(buffer: try await client.send(.get, "/ui/workers/a").body)
            #expect(page.contains(#"<td><code>rows_processed_total</code></td><td class="number">1200</td><td>counter</td>"#))
            let group = String(buffer: try await client.send(.get, "/?group=product").body)
            #expect(group.contains("Numbers reported in product</h2>"))
            #expect(group.contains(#"<tr><td><code>queue_lag_seconds</code></td><td class="number">5</td><td>1.5 to 3.5</td><td class="number">2</td></tr>"#))
            #expect(group.contains(#"<tr><td><code>rows_processed_total</code></td><td class="number">1200</td><td>counter</td><td class="number"></td></tr>"#))
            #expect(!String(buffer: try await client.send(.get, "/?group=price").body).contains("Numbers reported"), "none in price")
            #expect(!String(buffer: try await client.send(.get, "/").body).contains("Numbers reported"), "the whole tree's are in /metrics")

            clock.advance(by: 31)
            try await client.postState(eventJSON("b", "product.importer", "stopped"))
            text = try await scrape(client)
            #expect(value(text, #"wokmanager_group_reported{group="product.importer",name="queue_lag_seconds",aggregate="sum"}"#) == nil, "a lost and a stopped worker")
            #expect(value(text, #"wokmanager_group_reported_total{group="product.importer",name="rows_processed_total"}"#) == 1200)
            #expect(!text.contains("wokmanager_worker_reported{"))

            let refused = try await client.postState(eventJSON("a", "product.importer", "heartbeat", extra: #", "metrics": {"rows_total": -1}"#))
            #expect(refused.status == .badRequest)
            #expect(try refused.error()["field"] == "metrics.rows_total")
            let notNumber = try await client.postState(eventJSON("a", "product.importer", "heartbeat", extra: #", "metrics": {"lag": "3"}"#))
            #expect(notNumber.status == .badRequest)
        }
    }

    @Test("the numbers follow a sequence of events, a TTL expiry and a restart")
    func numbersMatchTheRegistry() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wokmanager-metrics-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let clock = ManualClock(t0)
        try await withApp(folder: folder, clock: clock) { client, clock in
            try await client.postState(eventJSON("a", extra: #", "ttl": 30"#))
            try await client.postState(eventJSON("b"))
            try await client.postState(eventJSON("b", "product.importer", "heartbeat"))
            try await client.postState(eventJSON("c", "price", "error", extra: #", "message": "x", "action": "aborted""#))
            var text = try await scrape(client)
            #expect(value(text, #"wokmanager_workers_running{group="product.importer"}"#) == 2)
            #expect(value(text, #"wokmanager_workers{group="price",status="failed"}"#) == 1)
            #expect(value(text, #"wokmanager_events_total{event="started"}"#) == 2)
            #expect(value(text, #"wokmanager_events_total{event="heartbeat"}"#) == 1)
            #expect(value(text, #"wokmanager_worker_errors_total{group="price"}"#) == 1)

            clock.advance(by: 31)
            text = try await scrape(client)
            #expect(value(text, #"wokmanager_workers_running{group="product.importer"}"#) == 1)
            #expect(value(text, #"wokmanager_workers{group="product.importer",status="lost"}"#) == 1)

            // The price group loses its only worker: it reports zeros, not nothing.
            _ = try await client.send(.delete, "/workers/c?api-key=\(testKey)")
            text = try await scrape(client)
            #expect(value(text, #"wokmanager_workers_running{group="price"}"#) == 0)
            #expect(value(text, #"wokmanager_worker_errors_total{group="price"}"#) == 1)
        }
        // Restarted on the same file: counters do not go backwards, and every worker gets one TTL of grace.
        clock.advance(by: 5)
        try await withApp(folder: folder, clock: clock) { client, clock in
            var text = try await scrape(client)
            #expect(value(text, #"wokmanager_events_total{event="started"}"#) == 2)
            #expect(value(text, #"wokmanager_worker_errors_total{group="price"}"#) == 1)
            #expect(value(text, #"wokmanager_workers_running{group="price"}"#) == 0)
            #expect(value(text, #"wokmanager_workers_running{group="product.importer"}"#) == 2)
            clock.advance(by: 31)
            text = try await scrape(client)
            #expect(value(text, #"wokmanager_workers{group="product.importer",status="lost"}"#) == 1)
            #expect(value(text, #"wokmanager_workers_running{group="product.importer"}"#) == 1)
        }
    }

    @Test("the server's own series: requests by route, commits, auth failures, build info")
    func serverSeries() async throws {
        try await withApp { client, _ in
            try await client.postState(eventJSON("a"))
            try await client.postState(eventJSON("a"), key: "wrong")
            _ = try await client.send(.get, "/workers/a")
            let text = try await scrape(client)
            #expect(value(text, #"wokmanager_http_requests_total{route="/worker/state",method="POST",status="200"}"#) == 1)
            #expect(value(text, #"wokmanager_http_requests_total{route="/worker/state",method="POST",status="401"}"#) == 1)
            #expect(value(text, #"wokmanager_http_requests_total{route="/workers/{id}",method="GET",status="200"}"#) == 1)
            #expect(value(text, #"wokmanager_auth_failures_total{reason="invalid"}"#) == 1)
            #expect(value(text, "wokmanager_store_commit_batch_size_events_count") == 1)
            #expect(text.contains("wokmanager_build_info{version="))
        }
    }

    @Test("per-worker series only when the setting turns them on")
    func perWorkerSetting() async throws {
        try await withApp { client, _ in
            try await client.postState(eventJSON("a"))
            #expect(!(try await scrape(client)).contains("wokmanager_worker_last_seen_timestamp_seconds"))
        }
        try await withApp(perWorkerMetrics: true) { client, _ in
            try await client.postState(eventJSON("a"))
            let text = try await scrape(client)
            #expect(value(text, #"wokmanager_worker_last_seen_timestamp_seconds{id="a",group="product.importer"}"#) == 1_800_000_000)
        }
    }
}
