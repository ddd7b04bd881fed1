import Hummingbird
import Registry
import WokmanagerMetrics

/// `GET /healthz` for load balancers (always open) and `GET /metrics` for Prometheus (a read).
struct HealthRoutes<Context: RequestContext> {
    let registry: WorkerRegistry
    let serverMetrics: ServerMetrics
    let perWorkerMetrics: Bool
    /// Groups deeper than this are reported as their ancestor at this depth; `nil` reports every group as it is.
    let metricsDepth: Int?

    func register(health group: RouterGroup<Context>, metrics reads: RouterGroup<Context>) {
        group.get("/healthz", use: health)
        reads.get("/metrics", use: metrics)
    }

    struct Health: ResponseEncodable {
        var status: String
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> Health {
        Health(status: "ok")
    }

    @Sendable func metrics(_ request: Request, context: Context) async throws -> Response {
        let snapshot = try await registry.metricsSnapshot(includeWorkers: perWorkerMetrics)
        serverMetrics.recordCapacity(try await registry.capacityUsage())
        serverMetrics.recordUnwrittenHeartbeats(registry.unwrittenHeartbeats)
        if let countedAt = snapshot.countedAt { serverMetrics.recordCountsAge(registry.clock.now().timeIntervalSince(countedAt)) }
        let body = PrometheusExposition.renderedBuffer(snapshot, depth: metricsDepth, trailer: serverMetrics.exposition())
        return Response(status: .ok, headers: [.contentType: PrometheusExposition.contentType], body: ResponseBody(byteBuffer: body))
    }
}
