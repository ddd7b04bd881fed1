import Foundation
import Testing

@testable import Registry

/// How samples become a query's points: counts from each interval's last sample, events as growth.
@Suite("Series intervals")
struct SeriesBucketsTests {
    private func sample(_ minute: Double, running: Int, events: Int, errors: Int = 0, failed: Int = 0) -> SeriesSample {
        var counts = StatusCounts()
        counts.running = running
        counts.failed = failed
        return SeriesSample(node: "product", at: t0.addingTimeInterval(60 * minute), counts: counts, eventsTotal: events, errorsTotal: errors)
    }

    @Test("an interval takes its running from its last sample, its failed at their highest, and its events from the growth since the sample before it")
    func growth() {
        let query = SeriesQuery(node: "product", from: t0.addingTimeInterval(150), to: t0.addingTimeInterval(600), step: 120, resolution: .minute)
        // The first interval starts at 120 s (150 rounded down to a whole step); the sample at 60 s is its baseline.
        let samples = [sample(1, running: 1, events: 10), sample(2, running: 2, events: 15, errors: 1, failed: 2), sample(3, running: 3, events: 30, errors: 4),
                       sample(4, running: 5, events: 31, errors: 4), sample(7, running: 4, events: 50, errors: 9)]
        let points = SeriesBuckets.points(samples, query)
        #expect(points.map(\.at) == [120, 240, 360].map { t0.addingTimeInterval($0) }, "240–360 has a sample; 480–600 has none")
        #expect(points.map(\.counts.running) == [3, 5, 4])
        #expect(points.map(\.counts.failed) == [2, 0, 0], "a failure between two samples still shows")
        #expect(points.map(\.events) == [20, 1, 19])
        #expect(points.map(\.errors) == [4, 0, 5])
    }

    @Test("the first interval without a sample before it counts from its own first sample; totals that shrank count as none")
    func baselines() {
        let query = SeriesQuery(node: "product", from: t0, to: t0.addingTimeInterval(300), step: 120, resolution: .minute)
        let points = SeriesBuckets.points([sample(0, running: 1, events: 100), sample(1, running: 1, events: 130), sample(2, running: 1, events: 20)], query)
        #expect(points.map(\.events) == [30, 0], "a group pruned away takes its totals with it")
        #expect(SeriesBuckets.points([], query).isEmpty)
    }

    @Test("a series starting within the 48 h of minutes reads minutes, an older one hours; its intervals count from the first whole step")
    func resolution() {
        let now = t0.addingTimeInterval(100 * 3600)
        #expect(SeriesResolution.answering(from: now.addingTimeInterval(-3600), now: now) == .minute)
        #expect(SeriesResolution.answering(from: now.addingTimeInterval(-48 * 3600), now: now) == .minute)
        #expect(SeriesResolution.answering(from: now.addingTimeInterval(-49 * 3600), now: now) == .hour)
        let query = SeriesQuery(node: "", from: t0.addingTimeInterval(150), to: t0.addingTimeInterval(600), step: 120, resolution: .minute)
        #expect(query.firstStart == t0.addingTimeInterval(120) && query.intervalCount == 4, "120, 240, 360 and 480 up to 600")
        #expect(SeriesSampling.nodes(of: "product.importer.eu") == ["", "product", "product.importer", "product.importer.eu"])
    }
}
