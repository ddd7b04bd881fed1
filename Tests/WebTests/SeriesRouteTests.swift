import Foundation
import HummingbirdTesting
import Registry
import SQLiteExecutor
import Testing
import Web

/// `GET /series` and the pictures drawn from it: the chart, the tree's sparklines and a worker's runs.
@Suite("Series and charts")
struct SeriesRouteTests {
    /// Runs `body` with the app and a second registry over its SQLite file, which samples as the server's
    /// maintenance loop would (the loop does not run in these tests).
    private func withSampler(_ body: @Sendable (any TestClientProtocol, ManualClock, WorkerRegistry) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wokmanager-series-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let clock = ManualClock(t0)
        try await withApp(folder: folder, clock: clock) { client, clock in
            let store = SQLStore(database: try await SQLiteDatabase.open(path: folder.appendingPathComponent("web.sqlite").path))
            let sampler = WorkerRegistry(store: store, clock: clock.wallClock)
            do {
                try await body(client, clock, sampler)
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
        }
    }

    /// Two importers and an error at t0; one importer stops with exit 2 a minute later; sampled at both minutes.
    private func fillAndSample(_ client: any TestClientProtocol, _ clock: ManualClock, _ sampler: WorkerRegistry) async throws {
        try await client.postState(eventJSON("Importer01"))
        try await client.postState(eventJSON("Importer02"))
        try await client.postState(eventJSON("Importer02", "product.importer", "error", extra: #", "message": "row 17 <b>unreadable</b>""#))
        _ = try await sampler.recordSamples()
        clock.advance(by: 60)
        try await client.postState(eventJSON("Importer02", "product.importer", "stopped", extra: #", "exit_code": 2"#))
        _ = try await sampler.recordSamples()
        clock.advance(by: 30)
    }

    @Test("a subtree's series: counts per interval, events and errors received in it")
    func series() async throws {
        try await withSampler { client, clock, sampler in
            try await fillAndSample(client, clock, sampler)
            let (status, body) = try await client.getJSON("/series?group=product.importer")
            #expect(status == .ok)
            #expect(body["group"] as? String == "product.importer" && body["step"] as? Int == 60 && body["resolution"] as? Int == 60)
            let points = try #require(body["points"] as? [[String: Any]])
            #expect(points.compactMap { $0["at"] as? String } == [RFC3339.format(t0), RFC3339.format(t0.addingTimeInterval(60))])
            #expect(points.compactMap { $0["running"] as? Int } == [2, 1])
            #expect(points.compactMap { $0["failed"] as? Int } == [0, 1])
            #expect(points.compactMap { $0["events"] as? Int } == [0, 1], "the first sample is its own baseline; then the stop")

            let (_, week) = try await client.getJSON("/series?span=week")
            #expect(week["step"] as? Int == 3 * 3600 && week["resolution"] as? Int == 3600 && week["group"] == nil)
            #expect((week["points"] as? [[String: Any]])?.first?["running"] as? Int == 1, "the hour keeps its latest minute")
            let (_, explicit) = try await client.getJSON("/series?from=\(Int(t0.timeIntervalSince1970) - 600)&to=\(Int(t0.timeIntervalSince1970) + 120)")
            #expect(explicit["step"] as? Int == 60 && (explicit["points"] as? [Any])?.count == 2)
        }
    }

    @Test("a wrong parameter answers 400 naming it", arguments: [
        ("group=product.*", "group"), ("span=month", "span"), ("step=30", "step"), ("step=90", "step"), ("step=soon", "step"),
        ("from=1800000000&to=1799999000", "to"), ("from=2000-01-01T00:00:00Z&step=3600", "step"), ("from=1790000000&step=5m", "step"),
        ("from=yesterday", "from"), ("step=1e15d", "step"), ("step=2h", "step"),
    ])
    func wrongParameters(_ query: String, _ field: String) async throws {
        try await withApp { client, _ in
            let response = try await client.send(.get, "/series?" + query)
            #expect(response.status == .badRequest)
            #expect(try response.error()["field"] == field)
        }
    }

    @Test("the samples read follow where the series starts, and the step is whole in them", arguments: [
        ("span=day", 1800, 60), ("span=day&step=90m", 5400, 60), ("span=day&to=\(Int(t0.timeIntervalSince1970) - 72 * 3600)", 3600, 3600),
        ("from=\(Int(t0.timeIntervalSince1970) - 72 * 3600)&to=\(Int(t0.timeIntervalSince1970) - 71 * 3600 + 600)", 3600, 3600),
    ])
    func stepsAndResolutions(_ query: String, _ step: Int, _ resolution: Int) async throws {
        try await withApp { client, _ in
            let (status, body) = try await client.getJSON("/series?" + query)
            #expect(status == .ok)
            #expect(body["step"] as? Int == step && body["resolution"] as? Int == resolution, "\(body)")
        }
    }

    @Test("the page draws the selected subtree's chart with its summary in words, and a sparkline per node")
    func chartOnThePage() async throws {
        try await withSampler { client, clock, sampler in
            try await fillAndSample(client, clock, sampler)
            clock.advance(by: 3600)
            try await client.postState(eventJSON("Importer03"))
            _ = try await sampler.recordSamples()
            let page = String(buffer: try await client.send(.get, "/?group=product").body)
            #expect(page.contains(#"<svg class="chart" viewBox="0 0 800 176" role="img" aria-labelledby="chart-title chart-summary">"#))
            #expect(page.contains(#"<title id="chart-title">Workers of product over the last hour</title>"#))
            #expect(page.contains(#"<p class="chart-summary" id="chart-summary">Now 2 running, 0 lost, 1 failed. Over the last hour: running from 1 to 2"#))
            #expect(page.contains(#"<a href="/?group=product&amp;chart=day">Last day</a>"#))
            #expect(page.contains(#"<polyline class="failed""#))
            #expect(page.contains(#"aria-label="running in the last 24 h: 1 to 2""#), "the hour of t0 at its latest minute (1 running), and t0 + 1 h (2)")

            let week = String(buffer: try await client.send(.get, "/?group=product&chart=week&status=failed").body)
            #expect(week.contains(#"aria-current="page">Last week</a>"#) && week.contains("over the last week"))
            #expect(week.contains(#"<input type="hidden" name="chart" value="week">"#), "the filter form keeps the span")
            #expect(week.contains(#"href="/?group=product&amp;status=failed&amp;chart=week""#), "the tree keeps it too")

            let wrong = try await client.send(.get, "/?chart=month")
            #expect(wrong.status == .badRequest && String(buffer: wrong.body).contains("chart must be one of hour, day, week"))
            #expect(!String(buffer: try await client.send(.get, "/?group=product.*").body).contains(#"<svg class="chart""#), "a pattern is no one subtree")
        }
    }

    @Test("the sparklines are drawn once a minute: a sample taken after a page shows from the next minute")
    func sparklinesOncePerMinute() async throws {
        try await withSampler { client, clock, sampler in
            try await fillAndSample(client, clock, sampler)
            clock.advance(by: 3600)
            try await client.postState(eventJSON("Importer03"))
            let sparkline = #"aria-label="running in the last 24 h: 1 to 2""#
            #expect(!String(buffer: try await client.send(.get, "/").body).contains("svg class=\"sparkline\""), "one hour sampled: no line yet")
            _ = try await sampler.recordSamples()
            #expect(!String(buffer: try await client.send(.get, "/").body).contains(sparkline), "this minute is drawn already")
            clock.advance(by: 60)
            #expect(String(buffer: try await client.send(.get, "/").body).contains(sparkline), "the next minute draws the new sample")
        }
    }

    @Test("a worker's page draws its runs coloured by outcome, with its errors and durations")
    func runsOnTheWorkerPage() async throws {
        try await withApp { client, clock in
            try await client.postState(eventJSON("Cron01", "billing.cron"))
            clock.advance(by: 600)
            try await client.postState(eventJSON("Cron01", "billing.cron", "error", extra: #", "message": "<script>x</script>""#))
            try await client.postState(eventJSON("Cron01", "billing.cron", "stopped", extra: #", "exit_code": 2"#))
            clock.advance(by: 1200)
            try await client.postState(eventJSON("Cron01", "billing.cron"))
            clock.advance(by: 300)
            let page = String(buffer: try await client.send(.get, "/ui/workers/Cron01").body)
            #expect(page.contains(#"<svg class="chart timeline""#))
            #expect(page.contains(#"<rect class="failed" x="8" y="16" width="224" height="22"><title>failed, 10m</title></rect>"#))
            #expect(page.contains(#"<rect class="running""#) && page.contains(#"<line class="tick""#))
            #expect(page.contains("2 runs in the last 35m: 1 failed; running now; 1 error."))
            #expect(page.contains(#"<td>10m</td><td><span class="status failed">failed</span></td>"#))
            #expect(!page.contains("<script>x"), "what a worker sends is escaped")
        }
    }
}
