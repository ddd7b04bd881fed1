import Hummingbird

/// Serves `Public/` under `/static/` with `ETag`, `Last-Modified` and a one-hour `Cache-Control`.
enum StaticFiles {
    /// The URL prefix of static files.
    static let urlBase = "/static"

    /// Serves the files of `folder`, for requests no route answered.
    static func middleware<Context: RequestContext>(folder: String) -> FileMiddleware<Context, LocalFileSystem> {
        FileMiddleware(folder, urlBasePath: urlBase, cacheControl: CacheControl([(MediaType(type: .any), [.public, .maxAge(3600)])]), searchForIndexHtml: false)
    }
}

/// Answers 404 for a static path that would climb out of the served folder (`..`, percent-encoded or not).
struct PathTraversalGuard<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let decoded = request.uri.path.removingPercentEncoding ?? request.uri.path
        guard decoded.hasPrefix(StaticFiles.urlBase + "/") || request.uri.path.hasPrefix(StaticFiles.urlBase + "/") else {
            return try await next(request, context)
        }
        if decoded.contains("..") || decoded.contains("\\") || decoded.contains("\0") {
            throw APIError(.notFound, "no such resource: \(request.method) \(request.uri.path)")
        }
        return try await next(request, context)
    }
}
