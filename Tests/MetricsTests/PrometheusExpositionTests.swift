import Registry
import Testing
import WokmanagerMetrics

@Suite("Prometheus exposition")
struct PrometheusExpositionTests {
    @Test("running workers per group, and every status per group with zeros")
    func gauges() {
        let text = PrometheusExposition.workerGauges([
            GroupCount(group: "product.importer", status: .running, count: 2),
            GroupCount(group: "price.promotion", status: .lost, count: 1),
        ])
        #expect(text.contains("wokmanager_workers_running{group=\"product.importer\"} 2\n"))
        #expect(text.contains("wokmanager_workers_running{group=\"price.promotion\"} 0\n"))
        #expect(text.contains("wokmanager_workers{group=\"price.promotion\",status=\"lost\"} 1\n"))
        #expect(text.contains("wokmanager_workers{group=\"price.promotion\",status=\"failed\"} 0\n"))
        #expect(text.contains("# TYPE wokmanager_workers_running gauge\n"))
    }

    @Test("quotes, backslashes and newlines in a group cannot break a line")
    func escaping() {
        #expect(PrometheusExposition.escapeLabelValue("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
        let text = PrometheusExposition.workerGauges([GroupCount(group: "x\"} 9\ny", status: .running, count: 1)])
        #expect(text.contains("wokmanager_workers_running{group=\"x\\\"} 9\\ny\"} 1\n"))
        #expect(!text.contains("\ny\""))
    }
}
