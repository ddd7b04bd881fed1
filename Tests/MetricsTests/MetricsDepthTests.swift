import Foundation
import Registry
import Testing
import WokmanagerMetrics

@Suite("Bounded /metrics")
struct MetricsDepthTests {
    private let snapshot = MetricsSnapshot(
        groupCounts: [
            GroupCount(group: "shop.import.csv", status: .running, count: 2),
            GroupCount(group: "shop.import.xml", status: .running, count: 3),
            GroupCount(group: "shop.export", status: .failed, count: 1),
            GroupCount(group: "billing", status: .running, count: 4),
        ],
        groups: ["shop.import.csv", "shop.import.xml", "shop.export", "billing"],
        eventTotals: ["started": 10], errorTotals: ["shop.import.csv": 2, "shop.export": 5],
        problems: [
            ProblemCount(group: "shop.import.csv", kind: .failed, open: 1, acknowledged: 0),
            ProblemCount(group: "shop.export", kind: .failed, open: 2, acknowledged: 1),
        ],
        groupGauges: [
            GroupGauge(group: "shop.import.csv", name: "queue_depth", sum: 10, min: 2, max: 8, workers: 2),
            GroupGauge(group: "shop.import.xml", name: "queue_depth", sum: 9, min: 1, max: 5, workers: 3),
        ],
        groupCounters: [
            GroupNumber(group: "shop.import.csv", name: "rows_total", value: 100),
            GroupNumber(group: "shop.import.xml", name: "rows_total", value: 50),
        ])

    /// The sample lines (`name{labels} value`) of `text`.
    private func samples(_ text: String) -> [String] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
    }

    @Test("at depth 1 every group is its top segment: counts, errors, problems and counters added, gauges combined")
    func foldsToDepth() {
        let text = PrometheusExposition.render(snapshot, depth: 1)
        let lines = samples(text)
        let series = lines.map { $0[..<$0.lastIndex(of: " ")!] }
        #expect(Set(series).count == series.count, "no series twice")
        #expect(lines.contains(#"wokmanager_workers_running{group="shop"} 5"#))
        #expect(lines.contains(#"wokmanager_workers{group="shop",status="failed"} 1"#))
        #expect(lines.contains(#"wokmanager_workers_running{group="billing"} 4"#))
        #expect(lines.contains(#"wokmanager_worker_errors_total{group="shop"} 7"#))
        #expect(lines.contains(#"wokmanager_problems{group="shop",kind="failed",state="open"} 3"#))
        #expect(lines.contains(#"wokmanager_problems{group="shop",kind="failed",state="acknowledged"} 1"#))
        #expect(lines.contains(#"wokmanager_group_reported{group="shop",name="queue_depth",aggregate="sum"} 19"#))
        #expect(lines.contains(#"wokmanager_group_reported{group="shop",name="queue_depth",aggregate="min"} 1"#))
        #expect(lines.contains(#"wokmanager_group_reported{group="shop",name="queue_depth",aggregate="max"} 8"#))
        #expect(lines.contains(#"wokmanager_group_reporting_workers{group="shop",name="queue_depth"} 5"#))
        #expect(lines.contains(#"wokmanager_group_reported_total{group="shop",name="rows_total"} 150"#))
        #expect(!text.contains("shop.import"))
    }

    @Test("at depth 2 only deeper groups fold; without a depth nothing does")
    func foldsOnlyDeeper() {
        let folded = samples(PrometheusExposition.render(snapshot, depth: 2))
        #expect(folded.contains(#"wokmanager_workers_running{group="shop.import"} 5"#))
        #expect(folded.contains(#"wokmanager_workers{group="shop.export",status="failed"} 1"#))
        let plain = samples(PrometheusExposition.render(snapshot))
        #expect(plain.contains(#"wokmanager_workers_running{group="shop.import.csv"} 2"#))
    }

    @Test("a group reports at most the per-worker number of names, whatever its workers send")
    func namesPerGroup() {
        var many = snapshot
        many.groupGauges = (0..<100).map { GroupGauge(group: "billing", name: "g\(1000 + $0)", sum: 1, min: 1, max: 1, workers: 1) }
        let lines = samples(PrometheusExposition.render(many)).filter { $0.hasPrefix("wokmanager_group_reporting_workers{") }
        #expect(lines.count == Limits.metricCount)
        #expect(lines.first == #"wokmanager_group_reporting_workers{group="billing",name="g1000"} 1"#)
    }
}
