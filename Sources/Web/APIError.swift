import Foundation
import Hummingbird
import Registry

/// An error a client can act on: a status and a JSON body `{"error": {"message": ..., "field": ..., "hint": ...}}`.
/// Ours rather than `HTTPError`: the documented body names the field that was wrong, which `HTTPError`'s cannot.
public struct APIError: HTTPResponseError, Sendable {
    /// The status answered.
    public let status: HTTPResponse.Status
    /// What was wrong.
    public let message: String
    /// The request field it concerns, when there is one.
    public let field: String?
    /// What the client may do instead, when there is advice to give.
    public let hint: String?
    /// Extra headers (for example `WWW-Authenticate`).
    public let headers: HTTPFields

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, _ message: String, field: String? = nil, hint: String? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.field = field
        self.hint = hint
        self.headers = headers
    }

    /// A 400 for a field that failed validation.
    public init(_ error: EventValidationError) {
        self.init(.badRequest, error.message, field: error.field)
    }

    /// The documented body, encoded by the context's response encoder.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try context.responseEncoder.encode(body, from: request, context: context)
        response.status = status
        response.headers.append(contentsOf: headers)
        return response
    }

    /// `{"error": {"message": "field: what was wrong", "field": "field"}}`, without `field` (or `hint`) when there is none.
    var body: Body {
        Body(error: .init(message: field.map { "\($0): \(message)" } ?? message, field: field, hint: hint))
    }

    struct Body: Encodable {
        struct Detail: Encodable {
            var message: String
            var field: String?
            var hint: String?
        }
        var error: Detail
    }
}
