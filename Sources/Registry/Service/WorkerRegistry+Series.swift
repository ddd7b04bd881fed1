import Foundation

extension WorkerRegistry {
    /// Samples every tree node for the minute it is now; returns how many nodes were sampled.
    public func recordSamples() async throws -> Int {
        let liveness = liveness()
        return try await store.recordSamples(at: SeriesResolution.minute.start(of: liveness.now), liveness: liveness)
    }

    /// A node's time series, from the samples of the query's resolution.
    public func series(_ query: SeriesQuery) async throws -> [SeriesPoint] {
        let from = query.firstStart.addingTimeInterval(-query.step)
        let samples = try await store.samples(of: query.node, resolution: query.resolution, from: from, to: query.to)
        return SeriesBuckets.points(samples, query)
    }

    /// The hours of the last 24 the tree's sparklines draw, at `now`.
    public static func sparklineQuery(now: Date) -> SeriesQuery {
        SeriesQuery(node: "", from: now.addingTimeInterval(-SeriesSpan.day.seconds), to: now, step: SeriesResolution.hour.seconds, resolution: .hour)
    }

    /// Every node's ``sparklineQuery(now:)`` at `now`, for the tree's sparklines.
    public func sparklines(now: Date) async throws -> [String: [SeriesPoint]] {
        let query = Self.sparklineQuery(now: now)
        let samples = try await store.samples(resolution: query.resolution, since: query.firstStart.addingTimeInterval(-query.step))
        return samples.mapValues { SeriesBuckets.points($0, query) }
    }
}
