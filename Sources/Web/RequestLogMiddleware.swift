import Hummingbird
import Logging
import NIOHTTP1
import Registry
import WokmanagerMetrics

/// Logs each request's method, path (never the query string, which may hold an API key), status and
/// duration, and counts it in the server's metrics by route pattern.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var status = HTTPResponse.Status.internalServerError
        defer {
            let duration = ContinuousClock.now - start
            metrics.recordRequest(
                route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: status.code, duration: duration)
            context.logger.debug(
                "request",
                metadata: [
                    "method": "\(request.method)", "path": "\(EscapedText.escaped(request.uri.path))", "status": "\(status.code)",
                    "duration_ms": "\(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)",
                ])
        }
        do {
            let response = try await next(request, context)
            status = response.status
            return response
        } catch let error as any HTTPResponseError {
            status = error.status
            throw error
        } catch let error as HTTPParserError {
            status = APIError(error).status
            throw error
        }
    }
}
