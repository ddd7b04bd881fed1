import Hummingbird
import Logging
import NIOHTTP1
import Registry

/// Makes every failure answer with a JSON error body, and maps the registry's errors to statuses.
///
/// Validation errors are 400, a refused attention change 409; a full disk is 507 and an unreachable store 503 (retry later); any other
/// failure is logged and answers a 500 that says no more than that.
/// Ours: Hummingbird answers an `HTTPError` without a message, and any other error, with an empty body.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as EventValidationError {
            throw APIError(error)
        } catch let error as AttentionError {
            throw APIError(.conflict, error.message)
        } catch let error as HTTPParserError {
            throw error  // answered at the connection, which is then closed (see ParserErrorAnswer)
        } catch let error as StoreError {
            context.logger.error("store failure", metadata: ["error": "\(EscapedText.escaped(error.message))"])
            if error.isStorageFull {
                throw APIError(.init(code: 507, reasonPhrase: "Insufficient Storage"), "the server's disk is full; nothing was stored, retry later")
            }
            if error.isTransient {
                throw APIError(.serviceUnavailable, "storage is unavailable; retry later (a retried event is at worst stored twice, never lost)", headers: [.retryAfter: "1"])
            }
            throw APIError(.internalServerError, "internal server error")
        } catch let error as HTTPError {
            throw APIError(error.status, error.body ?? Self.defaultMessage(for: error.status, request: request), field: Self.field(for: error.status), headers: error.headers)
        } catch let error as any HTTPResponseError {
            throw APIError(error.status, Self.defaultMessage(for: error.status, request: request), field: Self.field(for: error.status))
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(EscapedText.escaped(String(reflecting: error)))"])
            throw APIError(.internalServerError, "internal server error")
        }
    }

    /// The request part a framework error concerns.
    static func field(for status: HTTPResponse.Status) -> String? {
        status == .contentTooLarge ? "body" : nil
    }

    static func defaultMessage(for status: HTTPResponse.Status, request: Request) -> String {
        switch status {
        case .notFound: "no such resource: \(request.method) \(request.uri.path)"
        case .contentTooLarge: "the request body is too large"
        default: status.reasonPhrase
        }
    }
}
