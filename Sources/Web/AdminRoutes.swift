import Hummingbird
import Registry

/// Routes that change what the registry holds beyond reporting events: `DELETE /workers/{id}`.
struct AdminRoutes<Context: RequestContext> {
    let registry: WorkerRegistry

    func register(on group: RouterGroup<Context>) {
        group.delete("/workers/{id}", use: deregister)
    }

    struct Deleted: ResponseEncodable {
        var id: String
        var deleted: Bool
    }

    @Sendable func deregister(_ request: Request, context: Context) async throws -> Deleted {
        let id = try WorkerPath.id(in: context)
        guard try await registry.removeWorker(id: id) else {
            throw APIError(.notFound, "no worker with id '\(id)'", field: "id")
        }
        return Deleted(id: id, deleted: true)
    }
}
