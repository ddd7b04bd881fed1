import Foundation
import HTTPTypes
import Hummingbird
import WokmanagerMetrics

/// The API keys the server accepts, compared in constant time.
public struct APIKeys: Sendable {
    private let keys: [[UInt8]]

    /// Creates the set; empty strings are ignored.
    public init(_ keys: [String]) {
        self.keys = keys.filter { !$0.isEmpty }.map { Array($0.utf8) }
    }

    /// `true` when `candidate` is one of the keys. Every key is compared in full, so timing tells nothing.
    public func accepts(_ candidate: String) -> Bool {
        let bytes = Array(candidate.utf8)
        var matched = false
        for key in keys {
            matched = Self.constantTimeEqual(key, bytes) || matched
        }
        return matched
    }

    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt64(lhs.count ^ rhs.count)
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= UInt64(left ^ right)
        }
        return difference == 0
    }

    /// The key a request carries: `?api-key=`, `X-API-Key`, or `Authorization: Bearer`.
    static func presented(in request: Request) -> String? {
        if let key = request.uri.queryParameters.get("api-key") { return key }
        if let key = request.headers[.apiKey] { return key }
        if let authorization = request.headers[.authorization] {
            let prefix = "bearer "
            if authorization.lowercased().hasPrefix(prefix) {
                return String(authorization.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}

extension HTTPField.Name {
    static let apiKey = Self("X-API-Key")!
}

/// Lets a request through only with a valid API key; answers 401 with a JSON error otherwise.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: APIKeys
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let presented = APIKeys.presented(in: request) else {
            metrics.recordAuthFailure()
            throw APIError(.unauthorized, "an API key is required: pass ?api-key=, X-API-Key or Authorization: Bearer",
                           field: "api-key", headers: [.wwwAuthenticate: "Bearer"])
        }
        guard keys.accepts(presented) else {
            metrics.recordAuthFailure()
            context.logger.notice("rejected API key", metadata: ["path": "\(request.uri.path)"])
            throw APIError(.unauthorized, "the API key is not valid", field: "api-key", headers: [.wwwAuthenticate: "Bearer"])
        }
        return try await next(request, context)
    }
}
