import Hummingbird
import Registry

/// The HTML pages: `GET /` (status page), `GET /ui/workers/{id}` (one worker) and `GET /ui/webhooks` (the delivery log).
struct PageRoutes<Context: AccessKeyContext> {
    let registry: WorkerRegistry
    let renderer: PageRenderer
    let keys: KeyRing
    let sparklines = SparklineCache()

    func register(on group: RouterGroup<Context>) {
        group.get("/", use: statusPage)
        group.get("/ui/workers/{id}", use: workerPage)
        group.get("/ui/webhooks", use: webhooksPage)
    }

    @Sendable func statusPage(_ request: Request, context: Context) async throws -> Response {
        let parameters = QueryParameters(request, now: registry.clock.now())
        let filters = StatusPage.Filters(
            group: parameters.formText("group"), statuses: parameters.formList("status").flatMap { $0.split(separator: ",").map(String.init) },
            search: parameters.formText("q"), sort: parameters.formText("sort"), direction: parameters.formText("dir"),
            page: parameters.formText("page"), size: parameters.formText("size"), chart: parameters.formText("chart"))
        let page = try await StatusPage.build(registry: registry, filters: filters, viewer: Viewer.of(context, keys: keys), sparklines: sparklines)
        return try renderer.page("status", page, status: filters.errors.any ? .badRequest : .ok)
    }

    @Sendable func workerPage(_ request: Request, context: Context) async throws -> Response {
        let id = try WorkerPath.id(in: context)
        guard let detail = try await registry.detail(ofWorker: id) else {
            return try renderer.page("not-found", NotFound(id: id), status: .notFound)
        }
        return try renderer.page("worker", WorkerPage(detail, liveness: registry.liveness(), viewer: Viewer.of(context, keys: keys)))
    }

    @Sendable func webhooksPage(_ request: Request, context: Context) async throws -> Response {
        try renderer.page("webhooks", try await WebhooksPage.build(registry: registry, viewer: Viewer.of(context, keys: keys)))
    }

    struct NotFound: Sendable {
        let id: String
    }
}
