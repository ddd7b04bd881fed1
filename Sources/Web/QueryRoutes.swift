import Foundation
import HTTPTypes
import Hummingbird
import Registry

/// The read API for curl and tools: workers, one worker, the domain tree, errors and history.
struct QueryRoutes<Context: RequestContext> {
    let registry: WorkerRegistry

    func register(on group: RouterGroup<Context>) {
        group.get("/workers", use: listWorkers)
        group.get("/workers/{id}", use: showWorker)
        group.get("/domains", use: domains)
        group.get("/errors", use: errors)
        group.get("/events", use: events)
    }

    @Sendable func listWorkers(_ request: Request, context: Context) async throws -> Response {
        let parameters = QueryParameters(request, now: registry.clock.now())
        let query = WorkerQuery(
            id: try parameters.idPattern("id"),
            group: try parameters.group(),
            statuses: try parameters.statuses(),
            search: try parameters.search("q"),
            limit: try parameters.limit(default: 100, max: WorkerQuery.maxLimit),
            after: parameters.text("cursor"))
        return try context.responseEncoder.encode(try await registry.workers(query), from: request, context: context)
    }

    @Sendable func showWorker(_ request: Request, context: Context) async throws -> Response {
        let id = try WorkerPath.id(in: context)
        guard let detail = try await registry.detail(ofWorker: id) else {
            throw APIError(.notFound, "no worker with id '\(id)'", field: "id")
        }
        return try context.responseEncoder.encode(detail, from: request, context: context)
    }

    /// The tree, or with `under` the subtree of one group; with `depth`, only that many levels below it (the
    /// nodes cut say how many children they have in `hidden_children`).
    @Sendable func domains(_ request: Request, context: Context) async throws -> Response {
        let parameters = QueryParameters(request, now: registry.clock.now())
        let under = try parameters.groupPath("under")
        let depth = try parameters.count("depth", max: Limits.groupDepth)
        var (node, countedAt) = try await registry.countedDomainTree()
        if let under {
            guard let found = node.node(at: under) else { throw APIError(.notFound, "no group at or below '\(under)' has a worker", field: "under") }
            node = found
        }
        if let depth { node = node.cut(toDepth: depth) }
        var response = try context.responseEncoder.encode(node, from: request, context: context)
        response.headers[Self.countsAgeHeader] = String(format: "%.3f", max(0, registry.clock.now().timeIntervalSince(countedAt)))
        return response
    }

    /// How old the counts of a tree are, in seconds (``RegistrySettings/countsMaxAge``).
    static var countsAgeHeader: HTTPField.Name { HTTPField.Name("Wokmanager-Counts-Age")! }

    struct ErrorList: ResponseEncodable {
        var errors: [HistoryEntry]
    }

    struct EventList: ResponseEncodable {
        var events: [HistoryEntry]
    }

    @Sendable func errors(_ request: Request, context: Context) async throws -> ErrorList {
        var query = try historyQuery(request)
        query.events = [.error]
        return ErrorList(errors: try await registry.history(query))
    }

    @Sendable func events(_ request: Request, context: Context) async throws -> EventList {
        var query = try historyQuery(request)
        let parameters = QueryParameters(request, now: registry.clock.now())
        query.events = try parameters.historyEvents("event")
        return EventList(events: try await registry.history(query))
    }

    private func historyQuery(_ request: Request) throws -> HistoryQuery {
        let parameters = QueryParameters(request, now: registry.clock.now())
        return HistoryQuery(
            workerID: try parameters.workerID("worker"),
            group: try parameters.group(),
            since: try parameters.since(),
            before: try parameters.sequence("before"),
            limit: try parameters.limit(default: 100, max: HistoryQuery.maxLimit))
    }
}

/// Reads the `{id}` of `/workers/{id}`, percent-decoded.
enum WorkerPath {
    static func id(in context: some RequestContext) throws -> String {
        let raw = try context.parameters.require("id")
        guard let id = raw.removingPercentEncoding else {
            throw APIError(.badRequest, "is not validly percent-encoded", field: "id")
        }
        return id
    }
}
