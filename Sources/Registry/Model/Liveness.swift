import Foundation

/// Derives whether a running worker is still alive from when the server last heard from it, and its TTL.
///
/// The server's own receive times are used, not the worker's `at`, so a worker whose clock is off is
/// judged like any other. A worker whose TTL is 0 never expires. After the server starts, every worker
/// gets one TTL of grace counted from ``graceStart``, so a restart does not declare the whole fleet lost at once.
public struct Liveness: Sendable, Equatable {
    /// The time to judge at.
    public var now: Date
    /// When this server process started.
    public var graceStart: Date
    /// The TTL of workers that sent none, in seconds; 0 means they never expire.
    public var defaultTTL: Double

    /// Creates a liveness rule.
    public init(now: Date, graceStart: Date, defaultTTL: Double) {
        self.now = now
        self.graceStart = graceStart
        self.defaultTTL = defaultTTL
    }

    /// The TTL in force for `worker`.
    public func ttl(of worker: Worker) -> Double {
        worker.ttl ?? defaultTTL
    }

    /// When `worker` counts as lost if it sends nothing more; `nil` when it never expires.
    public func deadline(of worker: Worker) -> Date? {
        let ttl = ttl(of: worker)
        guard ttl > 0 else { return nil }
        return max(worker.lastReceivedAt, graceStart).addingTimeInterval(ttl)
    }

    /// The status to show for `worker` now: `lost` when a running worker passed its deadline.
    public func status(of worker: Worker) -> WorkerStatus {
        guard worker.status == .running, let deadline = deadline(of: worker), deadline < now else { return worker.status }
        return .lost
    }
}
