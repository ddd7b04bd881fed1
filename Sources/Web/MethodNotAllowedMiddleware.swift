import Hummingbird

/// Answers 405 with `Allow` for a path that routes take, but with other methods (`DELETE /worker/state`).
///
/// The methods come from the router's own list of routes, read when the middleware is made, so it must be added
/// after the last route: middleware added then runs only for requests no route took. `HEAD` is allowed
/// wherever `GET` is, as ``HeadRequestResponder`` answers it. A path no route takes passes on (to a 404).
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    private struct Endpoint {
        let path: RouterPath
        let allow: String
    }

    /// Every routed path with the methods its routes take, the paths with fixed segments earliest first, as the
    /// router prefers them (`/workers/stats` before `/workers/{id}`).
    private let endpoints: [Endpoint]

    init(routesOf router: Router<Context>) {
        var methods: [String: (path: RouterPath, names: Set<String>)] = [:]
        for route in router.routes {
            let names: [HTTPRequest.Method] = route.method == .get ? [.get, .head] : [route.method]
            methods[route.path.description, default: (route.path, [])].names.formUnion(names.map(\.rawValue))
        }
        let isFixed = { (element: RouterPath.Element) in element == element.description }
        endpoints = methods.values
            .map { Endpoint(path: $0.path, allow: $0.names.sorted().joined(separator: ", ")) }
            .sorted { $1.path.map(isFixed).lexicographicallyPrecedes($0.path.map(isFixed)) { !$0 && $1 } }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let segments = request.uri.path.split(separator: "/")
        guard let endpoint = endpoints.first(where: { $0.path.count == segments.count && zip($0.path, segments).allSatisfy { $0 ~= $1 } })
        else {
            return try await next(request, context)
        }
        context.coreContext.endpointPath.value = endpoint.path.description
        throw APIError(
            .methodNotAllowed, "\(request.method) is not allowed on \(request.uri.path); it takes \(endpoint.allow)",
            headers: [.allow: endpoint.allow])
    }
}
