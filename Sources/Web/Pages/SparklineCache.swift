import Foundation
import Registry
import Synchronization

/// The tree's sparklines, drawn once a minute rather than on every page.
///
/// A sparkline is the last 24 hours of a node's running count by the hour, and the samples under it change
/// once a minute, when the registry samples the tree; reading and drawing a thousand nodes' hours costs more
/// than the rest of the page. So the drawings are kept for the minute they were made in: a page shows them at
/// most a minute behind the samples.
final class SparklineCache: Sendable {
    private struct Drawn {
        let minute: Date
        let svg: [String: String]
    }

    private let drawn = Mutex<Drawn?>(nil)

    /// Every node's sparkline (by path) for the minute it is at `now`, drawn from `registry` when this minute has none yet.
    func sparklines(registry: WorkerRegistry, now: Date) async throws -> [String: String] {
        let minute = SeriesResolution.minute.start(of: now)
        if let current = drawn.withLock({ $0 }), current.minute == minute { return current.svg }
        let query = WorkerRegistry.sparklineQuery(now: now)
        let svg = try await registry.sparklines(now: now).compactMapValues { SeriesChart.sparkline($0, query: query) }
        drawn.withLock { $0 = Drawn(minute: minute, svg: svg) }
        return svg
    }
}
