import Foundation
import Testing

@testable import Registry

/// The numbers workers report with their events: checked on the way in, kept per worker, summed per group
/// while the worker runs, and counted into group counters that never go down.
@Suite("Worker metrics")
struct WorkerMetricTests {
    private func reporting(_ kind: EventKind, _ metrics: [String: Double], id: String = "Importer01", at seconds: Double, ttl: Double? = nil) -> WorkerEvent {
        var reported = event(kind, id: id, at: seconds, ttl: ttl)
        reported.metrics = metrics
        return reported
    }

    @Test("gauges are summed over running workers and leave with a stop or a loss; counters keep growing through restarts", arguments: StoreKind.available)
    func gaugesAndCounters(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.apply([
                reporting(.started, ["queue_lag_seconds": 3.5, "rows_processed_total": 1200], at: 0),
                reporting(.started, ["queue_lag_seconds": 1.5, "rows_processed_total": 100], id: "Importer02", at: 0, ttl: 30),
            ], liveness: liveness(at: 0))
            var snapshot = try await store.metricsSnapshot(liveness: liveness(at: 1), includeWorkers: true)
            #expect(snapshot.groupGauges == [GroupGauge(group: "product.importer", name: "queue_lag_seconds", sum: 5, min: 1.5, max: 3.5, workers: 2)])
            #expect(snapshot.groupCounters == [GroupNumber(group: "product.importer", name: "rows_processed_total", value: 1300)])
            #expect(snapshot.workerNumbers.map(\.id) == ["Importer01", "Importer02"])
            let product = try await store.reportedNumbers(in: .subtree("product"), liveness: liveness(at: 1))
            #expect(product.gauges == [GroupGauge(group: "", name: "queue_lag_seconds", sum: 5, min: 1.5, max: 3.5, workers: 2)])
            #expect(product.counters == [GroupNumber(group: "", name: "rows_processed_total", value: 1300)])
            #expect(try await store.reportedNumbers(in: .subtree("price"), liveness: liveness(at: 1)) == ReportedNumbers(gauges: [], counters: []))

            // Importer01 restarts from 0 and counts 50; Importer02's 30 s TTL passes, unswept.
            _ = try await store.apply([
                reporting(.stopped, ["rows_processed_total": 1250], at: 10),
                reporting(.started, ["rows_processed_total": 0], at: 20),
                reporting(.heartbeat, ["rows_processed_total": 50, "queue_lag_seconds": 0.5], at: 25),
            ], liveness: liveness(at: 25))
            snapshot = try await store.metricsSnapshot(liveness: liveness(at: 40), includeWorkers: true)
            #expect(snapshot.groupCounters.map(\.value) == [1400], "1300, +50 before the stop, a reset to 0, +50")
            #expect(snapshot.groupGauges.map(\.sum) == [0.5], "Importer02 is lost; Importer01's gauge of its first run went with it")
            #expect(snapshot.workerNumbers.map(\.id) == ["Importer01"])
            let worker = try #require(try await store.worker(id: "Importer01", liveness: liveness(at: 40)))
            #expect(worker.metrics == ["rows_processed_total": 50, "queue_lag_seconds": 0.5])

            _ = try await store.apply([reporting(.stopped, ["rows_processed_total": 60], at: 50)], liveness: liveness(at: 50))
            snapshot = try await store.metricsSnapshot(liveness: liveness(at: 50), includeWorkers: false)
            #expect(snapshot.groupGauges.isEmpty && snapshot.workerNumbers.isEmpty)
            #expect(snapshot.groupCounters.map(\.value) == [1410])

            let late = reporting(.heartbeat, ["rows_processed_total": 5], at: 45)
            _ = try await store.apply([late], liveness: liveness(at: 55))
            #expect(try await store.metricsSnapshot(liveness: liveness(at: 55), includeWorkers: false).groupCounters.map(\.value) == [1410],
                    "a late event changes no number")
        }
    }

    @Test("an older report received after a newer one changes no number; a name in capitals is a gauge on every store", arguments: StoreKind.available)
    func outOfOrder(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.apply([
                reporting(.started, ["rows_total": 100], at: 0), reporting(.heartbeat, ["rows_total": 110, "queue_TOTAL": 4], at: 30),
                reporting(.heartbeat, ["rows_total": 100, "queue_TOTAL": 9], at: 20), reporting(.heartbeat, ["rows_total": 120], at: 40),
            ], liveness: liveness(at: 40))
            let snapshot = try await store.metricsSnapshot(liveness: liveness(at: 40), includeWorkers: false)
            #expect(snapshot.groupCounters.map(\.value) == [120], "100, +10, nothing from the older report, +10")
            #expect(snapshot.groupGauges.map(\.name) == ["queue_TOTAL"] && snapshot.groupGauges.map(\.sum) == [4])
        }
    }

    @Test("past the limit of names kept, the ones a report left out go, gauges first")
    func limitKept() {
        var worker = event(.started, at: 0)
        worker.metrics = Dictionary(uniqueKeysWithValues: (0..<16).map { ("g\($0)", 1.0) } + (0..<16).map { ("c\($0)_total", 1.0) })
        let first = WorkerTransition.apply(worker, to: nil, liveness: liveness(at: 0)).worker
        var report = event(.heartbeat, at: 1)
        report.metrics = ["new_total": 1, "new_gauge": 2]
        let kept = WorkerTransition.apply(report, to: first, liveness: liveness(at: 1)).worker.metrics
        #expect(kept.count == Limits.metricCount && kept["new_total"] == 1 && kept["new_gauge"] == 2)
        #expect(kept.keys.filter { $0.hasSuffix("_total") }.count == 17, "every counter kept, two gauges gone")
    }

    @Test("what an event may carry", arguments: [
        (["rows-processed": 1.0], "metrics"), (["1st": 1.0], "metrics"), (["": 1.0], "metrics"),
        ([String(repeating: "a", count: 129): 1.0], "metrics"), (["wokmanager_up": 1.0], "metrics.wokmanager_up"),
        (["__name": 1.0], "metrics.__name"), (["lag": Double.nan], "metrics.lag"), (["lag": -Double.infinity], "metrics.lag"),
        (["rows_total": -1.0], "metrics.rows_total"),
        (Dictionary(uniqueKeysWithValues: (0...Limits.metricCount).map { ("m\($0)", 1.0) }), "metrics"),
    ])
    func refusals(_ metrics: [String: Double], _ field: String) {
        do {
            _ = try WorkerMetric.validated(metrics)
            Issue.record("accepted \(metrics.keys.sorted().prefix(3))")
        } catch {
            #expect(error.field == field)
        }
    }

    @Test("a worker's numbers are stored as JSON the stores read, and read back exactly")
    func coding() {
        let metrics = ["queue:lag_seconds": -2.5, "rows_total": 1200, "tiny": 1e-05, "huge": 1e300, "zero": 0]
        let text = MetricCoding.encode(metrics)
        #expect(text == #"{"huge":1e+300,"queue:lag_seconds":-2.5,"rows_total":1200,"tiny":1e-05,"zero":0}"#)
        #expect(MetricCoding.decode(text) == metrics)
        #expect(MetricCoding.decode("{}") == [:] && MetricCoding.encode([:]) == "{}")
        for broken in ["", "{", #"{"a":}"#, #"{"a":nan}"#, #"{a:1}"#, #"{"a":1,}"#, #"{"a"1}"#] {
            #expect(MetricCoding.decode(broken) == nil, "\(broken)")
        }
    }

    @Test("names as Prometheus has them, negative gauges, and up to the limit pass")
    func accepted() throws {
        let metrics = ["queue:lag_seconds": -2.5, "Rows_total": 0, "_x": 1e300]
        #expect(try WorkerMetric.validated(metrics) == metrics)
        #expect(WorkerMetric.isCounter("rows_processed_total") && !WorkerMetric.isCounter("total_rows"))
    }
}
