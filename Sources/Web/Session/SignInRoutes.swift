import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import WokmanagerMetrics

/// `GET /sign-in`, `POST /sign-in` and `POST /sign-out`. A browser signs in with a key once and then carries a
/// session cookie (HttpOnly, SameSite=Strict, Secure when the page URL is https), so no key ends up in its
/// history or in logs. The sign-in form's own token rides in a short cookie, as there is no session yet.
struct SignInRoutes<Context: AccessKeyContext> {
    let keys: KeyRing
    let renderer: PageRenderer
    let metrics: ServerMetrics
    let secureCookies: Bool

    /// The cookie holding the sign-in form's token.
    static var formCookie: String { "wokmanager_sign_in" }

    func register(on router: RouterGroup<Context>) {
        router.get("/sign-in", use: form)
        router.post("/sign-in", use: signIn)
        router.post("/sign-out", use: signOut)
    }

    /// The sign-in page: where to go after, the form's token, and what went wrong with the last try.
    struct SignInPage: Sendable {
        let next: String
        let csrfToken: String
        let error: String?
        let viewer: Viewer?
    }

    @Sendable func form(_ request: Request, context: Context) async throws -> Response {
        try page(next: PageForm.localPath(request.uri.queryParameters["next"].map(String.init)), error: nil, status: .ok, context: context)
    }

    @Sendable func signIn(_ request: Request, context: Context) async throws -> Response {
        let form = try await PageForm.read(request)
        guard let expected = request.cookies[Self.formCookie]?.value, form.carries(token: String(expected)) else {
            return try page(next: form.next, error: "The form had expired: sign in again.", status: .forbidden, context: context)
        }
        guard let secret = form.text("api-key"), let key = keys.key(presented: secret) else {
            metrics.recordAuthFailure(reason: "invalid")
            return try page(next: form.next, error: "That key is not valid.", status: .unauthorized, context: context)
        }
        context.sessions.createSession(
            PageSession(keyName: key.name, keyDigest: key.digestHex, csrfToken: SecretToken.make()), expiresIn: PageSession.lifetime)
        var response = Self.redirect(to: form.next)
        response.setCookie(Self.expiredFormCookie(secure: secureCookies))
        return response
    }

    @Sendable func signOut(_ request: Request, context: Context) async throws -> Response {
        let form = try await PageForm.read(request)
        guard let session = context.sessions.session, form.carries(token: session.csrfToken) else {
            return try renderer.refusal("The form had expired, or did not come from this server's page: nothing was done.", viewer: Viewer.of(context, keys: keys))
        }
        context.sessions.clearSession()
        return Self.redirect(to: "/")
    }

    private func page(next: String, error: String?, status: HTTPResponse.Status, context: Context) throws -> Response {
        let token = SecretToken.make()
        var response = try renderer.page(
            "sign-in", SignInPage(next: next, csrfToken: token, error: error, viewer: Viewer.of(context, keys: keys)), status: status)
        response.setCookie(Cookie(name: Self.formCookie, value: token, path: "/sign-in", secure: secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    private static func expiredFormCookie(secure: Bool) -> Cookie {
        Cookie(name: formCookie, value: "", maxAge: 0, path: "/sign-in", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// `303 See Other` to a path of this server.
    static func redirect(to path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path, .cacheControl: "no-store"])
    }

    /// `true` for a browser asking for a page (`GET` accepting HTML): it is sent to the sign-in form rather than answered 401.
    static func wantsPage(_ request: Request) -> Bool {
        (request.method == .get || request.method == .head) && (request.headers[.accept]?.contains("text/html") ?? false)
    }

    /// To the sign-in form, coming back to `request`'s page after.
    static func redirectToSignIn(from request: Request) -> Response {
        redirect(to: "/sign-in?next=" + queryValue(request.uri.description))
    }

    /// `text` as a query value.
    static func queryValue(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#?")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "/"
    }
}
