import Hummingbird
import Registry

/// The HTML pages: `GET /` (status page), `GET /ui/workers/{id}` (one worker) and `GET /ui/webhooks` (the delivery log).
struct PageRoutes<Context: RequestContext> {
    let registry: WorkerRegistry
    let renderer: PageRenderer

    func register(on group: RouterGroup<Context>) {
        group.get("/", use: statusPage)
        group.get("/ui/workers/{id}", use: workerPage)
        group.get("/ui/webhooks", use: webhooksPage)
    }

    @Sendable func statusPage(_ request: Request, context: Context) async throws -> Response {
        let parameters = QueryParameters(request, now: registry.clock.now())
        let statuses = try parameters.statuses()
        guard statuses.count <= 1 else { throw APIError(.badRequest, "pick one status on the page", field: "status") }
        let search = parameters.text("q")
        let filters = StatusPage.Filters(group: parameters.text("group"), status: statuses.first, search: search, cursor: parameters.text("cursor"))
        return try renderer.page("status", try await StatusPage.build(registry: registry, filters: filters))
    }

    @Sendable func workerPage(_ request: Request, context: Context) async throws -> Response {
        let id = try WorkerPath.id(in: context)
        guard let detail = try await registry.detail(ofWorker: id) else {
            return try renderer.page("not-found", NotFound(id: id), status: .notFound)
        }
        return try renderer.page("worker", WorkerPage(detail, liveness: registry.liveness()))
    }

    @Sendable func webhooksPage(_ request: Request, context: Context) async throws -> Response {
        try renderer.page("webhooks", try await WebhooksPage.build(registry: registry))
    }

    struct NotFound: Sendable {
        let id: String
    }
}
