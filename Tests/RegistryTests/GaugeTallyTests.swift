import Testing

@testable import Registry

/// The gauges summed from workers' numbers columns, as ``MetricCoding`` writes them.
@Suite("Gauge tally")
struct GaugeTallyTests {
    @Test("gauges are summed per group and name, counters left out, columns that do not read skipped without a trap")
    func tally() {
        var tally = GaugeTally()
        tally.add(group: "b", metrics: MetricCoding.encode(["lag": 1.5, "rows_total": 9, "Rows_TOTAL": 2]))
        tally.add(group: "b", metrics: MetricCoding.encode(["lag": -3, "size": 1e20]))
        tally.add(group: "a", metrics: "{}")
        for broken in ["", "{", "{\"", "{\"x", "{\"x\":", "{\"x\":}", "{\"y\":1,\"z\"", "not json"] {
            tally.add(group: "c", metrics: broken)
        }
        #expect(tally.gauges == [
            GroupGauge(group: "b", name: "Rows_TOTAL", sum: 2, min: 2, max: 2, workers: 1),
            GroupGauge(group: "b", name: "lag", sum: -1.5, min: -3, max: 1.5, workers: 2),
            GroupGauge(group: "b", name: "size", sum: 1e20, min: 1e20, max: 1e20, workers: 1),
            GroupGauge(group: "c", name: "y", sum: 1, min: 1, max: 1, workers: 1),
        ])
    }
}
