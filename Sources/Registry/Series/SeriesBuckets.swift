import Foundation

/// Cuts samples into a query's intervals.
///
/// Intervals start at multiples of the step (``SeriesQuery/firstStart``); each
/// takes its running and stopped counts from its last sample, its lost and failed counts at their highest,
/// and its events and errors as the growth of the totals since the sample before it. An interval without a sample (the server was down) has no point.
enum SeriesBuckets {
    /// The points of `query` from `samples` of its node, oldest first, which may begin one interval early.
    static func points(_ samples: [SeriesSample], _ query: SeriesQuery) -> [SeriesPoint] {
        let first = query.firstStart.timeIntervalSince1970
        var points: [SeriesPoint] = []
        var before: SeriesSample?
        var index = samples.startIndex
        while index < samples.endIndex, samples[index].at.timeIntervalSince1970 < first {
            before = samples[index]
            index += 1
        }
        var start = first
        while start < query.to.timeIntervalSince1970 && index < samples.endIndex {
            let end = start + query.step
            let bucket = samples[index...].prefix { $0.at.timeIntervalSince1970 < end }
            if let last = bucket.last, let firstInBucket = bucket.first {
                let baseline = before ?? firstInBucket
                var counts = last.counts
                for status in SeriesSample.peakStatuses { counts[status] = bucket.map { $0.counts[status] }.max() ?? 0 }
                points.append(SeriesPoint(
                    at: Date(timeIntervalSince1970: start), counts: counts,
                    events: max(0, last.eventsTotal - baseline.eventsTotal), errors: max(0, last.errorsTotal - baseline.errorsTotal)))
                before = last
                index += bucket.count
            }
            start = end
        }
        return points
    }
}
