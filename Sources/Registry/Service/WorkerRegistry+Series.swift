import Foundation

extension WorkerRegistry {
    /// Samples every tree node for the minute it is now; returns how many nodes were sampled.
    public func recordSamples() async throws -> Int {
        let liveness = liveness()
        return try await store.recordSamples(at: SeriesResolution.minute.start(of: liveness.now), liveness: liveness)
    }

    /// A node's time series, from samples of a minute while they are kept, of an hour after.
    public func series(_ query: SeriesQuery) async throws -> [SeriesPoint] {
        let resolution = SeriesResolution.answering(from: query.from, step: query.step, now: clock.now())
        let from = SeriesBuckets.firstStart(query).addingTimeInterval(-query.step)
        let samples = try await store.samples(of: query.node, resolution: resolution, from: from, to: query.to)
        return SeriesBuckets.points(samples, query)
    }

    /// The hours of the last 24 the tree's sparklines draw, at `now`.
    public static func sparklineQuery(now: Date) -> SeriesQuery {
        SeriesQuery(node: "", from: now.addingTimeInterval(-SeriesSpan.day.seconds), to: now, step: SeriesResolution.hour.seconds)
    }

    /// Every node's ``sparklineQuery(now:)`` at `now`, for the tree's sparklines.
    public func sparklines(now: Date) async throws -> [String: [SeriesPoint]] {
        let query = Self.sparklineQuery(now: now)
        let samples = try await store.samples(resolution: .hour, since: SeriesBuckets.firstStart(query).addingTimeInterval(-query.step))
        return samples.mapValues { SeriesBuckets.points($0, query) }
    }
}
