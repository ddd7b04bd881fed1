import Hummingbird
import Logging
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
                    "method": "\(request.method)", "path": "\(LogText.escaped(request.uri.path))", "status": "\(status.code)",
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
        }
    }
}

/// Text for a log line: control characters (line breaks, escape sequences) and Unicode line separators are
/// written as `\u{A}`, so nothing a client sent can end a log line early, forge the next one or steer the
/// terminal of whoever reads the log. Every request path goes through it (the HTTP parser refuses raw control
/// bytes, but passes UTF-8 such as U+2028 or C1 controls); store errors and unexpected errors may quote what
/// a worker sent.
enum LogText {
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
