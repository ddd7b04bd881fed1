import Foundation
import NIOCore
import Registry
import Testing
import WokmanagerMetrics

@Suite("Prometheus exposition of the registry")
struct PrometheusExpositionTests {
    private func snapshot(_ counts: [GroupCount], groups: [String] = [], workers: [WorkerLastSeen] = []) -> MetricsSnapshot {
        MetricsSnapshot(
            groupCounts: counts, groups: groups, eventTotals: ["started": 3, "heartbeat": 40], errorTotals: ["price.promotion": 2],
            workers: workers)
    }

    @Test("running workers per group, every status per group with zeros, and the counters")
    func series() {
        let text = PrometheusExposition.render(snapshot([
            GroupCount(group: "product.importer", status: .running, count: 2),
            GroupCount(group: "price.promotion", status: .lost, count: 1),
        ]))
        #expect(text.contains("wokmanager_workers_running{group=\"product.importer\"} 2\n"))
        #expect(text.contains("wokmanager_workers_running{group=\"price.promotion\"} 0\n"))
        #expect(text.contains("wokmanager_workers{group=\"price.promotion\",status=\"lost\"} 1\n"))
        #expect(text.contains("wokmanager_workers{group=\"price.promotion\",status=\"failed\"} 0\n"))
        #expect(text.contains("wokmanager_events_total{event=\"heartbeat\"} 40\n"))
        #expect(text.contains("wokmanager_events_total{event=\"stopped\"} 0\n"))
        #expect(text.contains("wokmanager_worker_errors_total{group=\"price.promotion\"} 2\n"))
        #expect(text.contains("wokmanager_worker_errors_total{group=\"product.importer\"} 0\n"))
        #expect(text.contains("# HELP wokmanager_workers_running "))
        #expect(text.contains("# TYPE wokmanager_events_total counter\n"))
        #expect(!text.contains("last_seen"))
    }

    @Test("groups and counts in the store's order, in any other, or with counts of unlisted groups render alike")
    func anyOrder() {
        let counts = [
            GroupCount(group: "a.b", status: .running, count: 2), GroupCount(group: "a.b", status: .lost, count: 1),
            GroupCount(group: "b", status: .failed, count: 4), GroupCount(group: "é", status: .running, count: 7),
        ]
        let sorted = PrometheusExposition.render(snapshot(counts, groups: ["a", "a.b", "b", "é"]))
        #expect(PrometheusExposition.render(snapshot(counts.reversed(), groups: ["é", "b", "a.b", "a"])) == sorted)
        #expect(PrometheusExposition.render(snapshot(counts, groups: ["a", "b"])) == sorted)
        #expect(sorted.contains("wokmanager_workers{group=\"a.b\",status=\"running\"} 2\nwokmanager_workers{group=\"a.b\",status=\"lost\"} 1\n"))
        #expect(sorted.contains("wokmanager_workers_running{group=\"a\"} 0\nwokmanager_workers_running{group=\"a.b\"} 2\n"))
    }

    @Test("negative, zero and large whole numbers are written in decimal")
    func wholeNumbers() {
        let text = PrometheusExposition.render(MetricsSnapshot(
            groupCounts: [GroupCount(group: "g", status: .running, count: 1_234_567_890)], groups: ["g"],
            eventTotals: ["started": 0, "heartbeat": Int.max, "error": Int.min], errorTotals: ["g": -10]))
        #expect(text.contains("wokmanager_workers_running{group=\"g\"} 1234567890\n"))
        #expect(text.contains("wokmanager_events_total{event=\"started\"} 0\n"))
        #expect(text.contains("wokmanager_events_total{event=\"heartbeat\"} 9223372036854775807\n"))
        #expect(text.contains("wokmanager_events_total{event=\"error\"} -9223372036854775808\n"))
        #expect(text.contains("wokmanager_worker_errors_total{group=\"g\"} -10\n"))
    }

    @Test("a retained group without workers reports zeros instead of vanishing")
    func emptyGroups() {
        let text = PrometheusExposition.render(snapshot([], groups: ["billing.invoices"]))
        #expect(text.contains("wokmanager_workers_running{group=\"billing.invoices\"} 0\n"))
        #expect(text.contains("wokmanager_workers{group=\"billing.invoices\",status=\"stopped\"} 0\n"))
    }

    @Test("per-worker last-seen series appear only when the snapshot carries workers")
    func perWorker() {
        let text = PrometheusExposition.render(snapshot([], workers: [
            WorkerLastSeen(id: "w\"1", group: "g", lastSeen: Date(timeIntervalSince1970: 1_800_000_000.5)),
        ]))
        #expect(text.contains("wokmanager_worker_last_seen_timestamp_seconds{id=\"w\\\"1\",group=\"g\"} 1800000000.500\n"))
    }

    @Test("quotes, backslashes and newlines in a label value cannot break a line")
    func escaping() {
        #expect(PrometheusExposition.escapeLabelValue("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
        let text = PrometheusExposition.render(snapshot([GroupCount(group: "x\"} 9\ny", status: .running, count: 1)]))
        #expect(text.contains("wokmanager_workers_running{group=\"x\\\"} 9\\ny\"} 1\n"))
        for line in text.split(separator: "\n") {
            #expect(line.hasPrefix("#") || line.hasPrefix("wokmanager_"), "\(line)")
        }
    }

    @Test("groups far longer than the first, non-ASCII names and a trailer are written whole past the first estimate of the size")
    func pastTheEstimate() {
        let long = (0..<3_000).map { "é" + String(repeating: "x", count: 200) + String(format: "%04d", $0) }
        let text = PrometheusExposition.render(snapshot(long.map { GroupCount(group: $0, status: .failed, count: 3) }, groups: ["a"] + long))
        #expect(text.hasPrefix("# HELP wokmanager_workers_running "))
        #expect(text.contains("wokmanager_workers_running{group=\"a\"} 0\n"))
        for group in [long[0], long[1_500], long[2_999]] {
            #expect(text.contains("wokmanager_workers{group=\"\(group)\",status=\"failed\"} 3\n"))
            #expect(text.contains("wokmanager_worker_errors_total{group=\"\(group)\"} 0\n"))
        }
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("wokmanager_workers{") }.count == 4 * 3_001)

        let trailer = "# TYPE wokmanager_http_requests_total counter\nwokmanager_http_requests_total 7\n"
        let buffer = PrometheusExposition.renderedBuffer(snapshot([], groups: long), trailer: trailer)
        #expect(String(buffer: buffer).hasSuffix("\n" + trailer))
    }
}

@Suite("Server metrics")
struct ServerMetricsTests {
    @Test("requests, durations, commits, auth failures and the build are exposed with HELP and TYPE")
    func serverSeries() {
        let metrics = ServerMetrics(version: "9.9.9")
        metrics.recordRequest(route: "/workers/{id}", method: "GET", status: 200, duration: .milliseconds(3))
        metrics.recordRequest(route: "/workers/{id}", method: "GET", status: 200, duration: .milliseconds(30))
        metrics.recordCommit(events: 120, duration: .milliseconds(2))
        metrics.recordAuthFailure(reason: "invalid")
        let text = metrics.exposition()
        #expect(text.contains("wokmanager_build_info{version=\"9.9.9\"} 1"))
        #expect(text.contains("wokmanager_http_requests_total{route=\"/workers/{id}\",method=\"GET\",status=\"200\"} 2"))
        #expect(text.contains("wokmanager_http_request_duration_seconds_count{route=\"/workers/{id}\",method=\"GET\"} 2"))
        #expect(text.contains("wokmanager_http_request_duration_seconds_bucket{route=\"/workers/{id}\",method=\"GET\",le=\"0.005\"} 1"))
        #expect(text.contains("wokmanager_store_commit_batch_size_events_sum 120"))
        #expect(text.contains("wokmanager_auth_failures_total{reason=\"invalid\"} 1"))
        #expect(text.contains("wokmanager_auth_failures_total{reason=\"forbidden\"} 0"))
        #expect(text.contains("# HELP wokmanager_http_requests_total "))
        #expect(text.contains("# TYPE wokmanager_store_commit_duration_seconds histogram"))
    }
}

@Suite("Prometheus exposition of pushed series")
struct PushedExpositionTests {
    private func row(_ worker: String, _ type: MetricType, _ samples: String, help: String = "") -> ExposedFamily {
        ExposedFamily(
            workerID: worker, group: "etl", grouping: "job=\"etl\",instance=\"\(worker)\"",
            family: PushedFamily(name: "rows", type: type, help: help, samples: samples, series: 1))
    }

    @Test("one HELP and TYPE per name, group, worker and the grouping key first in each sample's labels")
    func labelsAdded() {
        let text = PrometheusExposition.render(MetricsSnapshot(groupCounts: [], groups: [], eventTotals: [:], errorTotals: [:], pushed: [
            row("w1", .counter, "rows{} 1\n", help: "Rows \\ read\nso far."), row("w2", .counter, "rows{table=\"a\"} 2\n"),
        ]))
        #expect(text.contains("""
            # HELP rows Rows \\\\ read\\nso far.
            # TYPE rows counter
            rows{group="etl",worker="w1",job="etl",instance="w1"} 1
            rows{group="etl",worker="w2",job="etl",instance="w2",table="a"} 2

            """))
    }

    @Test("a row whose type differs from the first of its name (two pushes that raced) is left out")
    func typeRace() {
        let text = PrometheusExposition.render(MetricsSnapshot(groupCounts: [], groups: [], eventTotals: [:], errorTotals: [:], pushed: [
            row("w1", .gauge, "rows{} 1\n"), row("w2", .counter, "rows{} 2\n"),
        ]))
        #expect(text.contains("# TYPE rows gauge\nrows{group=\"etl\",worker=\"w1\",job=\"etl\",instance=\"w1\"} 1\n"))
        #expect(!text.contains("worker=\"w2\""))
    }
}
