import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import NIOCore
import Registry
import WokmanagerMetrics

/// A request context that remembers the key a request was let in with, and the browser's session.
public protocol AccessKeyContext: SessionRequestContext where Session == PageSession {
    /// The key that authenticated the request; `nil` on open routes.
    var accessKey: AccessKey? { get set }
}

/// The server's request context: Hummingbird's core storage, the request's key, its session and its peer.
public struct WokmanagerRequestContext: AccessKeyContext, RemoteAddressRequestContext {
    /// Hummingbird's per-request storage (logger, parameters, limits).
    public var coreContext: CoreRequestContextStorage
    /// The key that authenticated the request; `nil` on open routes.
    public var accessKey: AccessKey?
    /// The signed-in browser's session, loaded by hummingbird-auth's `SessionMiddleware`.
    public let sessions = SessionContext<PageSession>()
    /// The encoder of every JSON answer: one shared, preconfigured encoder, not one per request.
    public var responseEncoder: JSONEncoder { .answers }

    /// The client's address: streams are counted per address when reads need no key.
    public let remoteAddress: SocketAddress?

    /// A context for a request arriving on `source`.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Lets a request through only with a key whose role permits `required`, presented, or signed in on the page for a read:
/// 401 without a valid key (a browser asking for a page is sent to the sign-in form instead), 403 with a key
/// of another role. Failures are counted by reason and logged with the key's name at most, never its secret.
struct AccessMiddleware<Context: AccessKeyContext>: RouterMiddleware {
    let keys: KeyRing
    let required: AccessRole
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let key: AccessKey
        if let presented = Self.presentedKey(in: request) {
            guard let found = keys.key(presented: presented) else {
                metrics.recordAuthFailure(reason: "invalid")
                context.logger.notice("rejected an unknown API key", metadata: ["path": "\(EscapedText.escaped(request.uri.path))"])
                throw APIError(.unauthorized, "the API key is not valid", field: "api-key", headers: [.wwwAuthenticate: "Bearer"])
            }
            key = found
        } else if request.method == .get || request.method == .head, let signedIn = context.sessions.session.flatMap(keys.key(signedIn:)) {
            // A session reads only: a change needs a key, or a page's form with the session's CSRF token.
            key = signedIn
        } else {
            metrics.recordAuthFailure(reason: "missing")
            if SignInRoutes<Context>.wantsPage(request) { return SignInRoutes<Context>.redirectToSignIn(from: request) }
            throw APIError(.unauthorized, "an API key is required: pass ?api-key=, X-API-Key or Authorization: Bearer, or sign in at /sign-in",
                           field: "api-key", headers: [.wwwAuthenticate: "Bearer"])
        }
        guard key.role.permits(required) else {
            metrics.recordAuthFailure(reason: "forbidden")
            context.logger.notice("refused a key without the role", metadata: [
                "path": "\(EscapedText.escaped(request.uri.path))", "key": "\(key.name)", "role": "\(key.role.rawValue)", "needs": "\(required.rawValue)",
            ])
            throw APIError(.forbidden, "the key '\(key.name)' has the \(key.role.rawValue) role; this needs \(required.rawValue)",
                           field: "api-key")
        }
        var context = context
        context.accessKey = key
        return try await next(request, context)
    }

    /// The key a request carries: `?api-key=`, `X-API-Key`, `Authorization: Bearer`, or the password of
    /// `Authorization: Basic` (any user name), which is how Pushgateway clients authenticate.
    static func presentedKey(in request: Request) -> String? {
        if let key = request.uri.queryParameters.get("api-key") { return key }
        if let key = request.headers.value(of: .apiKey) { return key }
        guard let authorization = request.headers.value(of: .authorization) else { return nil }
        let (scheme, credentials) = (authorization.prefix { $0 != " " }.lowercased(), authorization.drop { $0 != " " }.trimmingCharacters(in: .whitespaces))
        switch scheme {
        case "bearer":
            return credentials
        case "basic":
            guard let data = Data(base64Encoded: credentials), let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":") else {
                return nil
            }
            return String(pair[pair.index(after: colon)...])
        default:
            return nil
        }
    }
}

extension HTTPField.Name {
    static let apiKey = Self("X-API-Key")!
}
