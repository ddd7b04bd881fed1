import Foundation

/// The store's time series: a sample of every tree node each minute, kept at two resolutions.
public protocol SeriesStore: Sendable {
    /// Samples every tree node as shown under `liveness`, for the minute starting at `minute` and for its
    /// hour; returns how many nodes were sampled.
    func recordSamples(at minute: Date, liveness: Liveness) async throws -> Int
    /// The samples of `node` at `resolution` from `from` up to `to`, oldest first.
    func samples(of node: String, resolution: SeriesResolution, from: Date, to: Date) async throws -> [SeriesSample]
    /// The samples of every node at `resolution` since `from`, oldest first, by node.
    func samples(resolution: SeriesResolution, since from: Date) async throws -> [String: [SeriesSample]]
}
