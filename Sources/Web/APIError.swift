import Foundation
import Hummingbird
import Registry

/// An error a client can act on: a status and a JSON body `{"error": {"message": ..., "field": ...}}`.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    /// What was wrong.
    public let message: String
    /// The request field it concerns, when there is one.
    public let field: String?
    /// Extra headers (for example `WWW-Authenticate`).
    public let headers: HTTPFields

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, _ message: String, field: String? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.field = field
        self.headers = headers
    }

    /// A 400 for a field that failed validation.
    public init(_ error: EventValidationError) {
        self.init(.badRequest, error.message, field: error.field)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: String] = ["message": field.map { "\($0): \(message)" } ?? message]
        if let field { body["field"] = field }
        var response = try JSONResponse.make(["error": body], status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}
