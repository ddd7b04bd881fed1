import Foundation
import Synchronization
import HTTPTypes
import HummingbirdTesting
import Registry
import Testing
import Web

@Suite("Sign-in and the page's actions")
struct SignInTests {
    private let readKey = AccessKey(name: "viewer", role: .read, secret: "read-key-0123456789")
    private let adminKey = AccessKey(name: "oncall", role: .admin, secret: testKey)

    /// Signs `browser` in with `secret` through the form.
    private func signIn(_ browser: inout Browser, secret: String, next: String = "/") async throws -> TestResponse {
        let (_, form) = try await browser.page("/sign-in?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
        let signInForm = form.range(of: #"<form class="sign-in""#).map { String(form[$0.lowerBound...]) } ?? ""
        return try await browser.send(.post, "/sign-in", form: [("csrf", csrfToken(in: signInForm) ?? ""), ("next", next), ("api-key", secret)])
    }

    @Test("with reads behind a key, a browser is sent to sign in, gets an HttpOnly SameSite=Strict cookie, and signs out")
    func signInAndOut() async throws {
        try await withApp(keys: [adminKey, readKey], readsRequireKey: true) { client, _ in
            var browser = Browser(client)
            let first = try await browser.send(.get, "/?status=failed")
            #expect(first.status == .seeOther)
            #expect(first.headers[.location] == "/sign-in?next=/%3Fstatus%3Dfailed")
            #expect(try await client.send(.get, "/").status == .unauthorized, "curl, not asking for HTML, gets the JSON 401")

            let (_, form) = try await browser.page("/sign-in?next=/%3Fstatus%3Dfailed")
            #expect(form.contains(#"<input type="hidden" name="next" value="/?status=failed">"#))
            let token = try #require(csrfToken(in: form))
            let forged = try await browser.send(.post, "/sign-in", form: [("csrf", (token.first == "0" ? "1" : "0") + token.dropFirst()), ("api-key", testKey)])
            #expect(forged.status == .forbidden)
            #expect(browser.cookies["wokmanager_session"] == nil)
            let wrong = try await signIn(&browser, secret: "not-a-key")
            #expect(wrong.status == .unauthorized)
            #expect(String(buffer: wrong.body).contains(#"aria-invalid="true" aria-describedby="key-error""#))
            #expect(String(buffer: wrong.body).contains("That key is not valid."))

            let signedIn = try await signIn(&browser, secret: testKey, next: "/?status=failed")
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/?status=failed")
            let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("wokmanager_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/") && !cookie.contains("Secure"))
            let (status, page) = try await browser.page("/?status=failed")
            #expect(status == .ok)
            #expect(page.contains("Signed in as <strong>oncall</strong> (admin)"))
            #expect(try await browser.send(.get, "/workers").status == .ok, "the JSON reads take the session too")
            #expect(try await browser.send(.delete, "/workers/nobody").status == .unauthorized,
                    "a session only reads: a change through the API needs a key (the page's forms carry a CSRF token)")

            let signOut = try await browser.send(.post, "/sign-out", form: [("csrf", try #require(csrfToken(in: page)))])
            #expect(signOut.status == .seeOther)
            #expect(try await browser.send(.get, "/").status == .seeOther, "signed out")
        }
    }

    @Test("next must be a path of this server")
    func nextStaysLocal() async throws {
        try await withApp { client, _ in
            var browser = Browser(client)
            for next in ["//evil.example/x", "https://evil.example/", "/\\evil.example", "/\t/evil.example", "/x\u{7F}"] {
                let response = try await signIn(&browser, secret: testKey, next: next)
                #expect(response.headers[.location] == "/", "\(next)")
            }
        }
    }

    @Test("an admin acknowledges, silences and deregisters from the page, each with the session's token; a forged form does nothing")
    func adminActions() async throws {
        try await withApp(keys: [adminKey]) { client, _ in
            try await client.postState(eventJSON("Ledger01", "billing.ledger", "stopped", extra: #", "exit_code": 3"#))
            var browser = Browser(client)
            let (_, anonymous) = try await browser.page("/")
            #expect(!anonymous.contains("Acknowledge</button>") && anonymous.contains("wokmanager ack 1"), "no buttons before signing in")
            _ = try await signIn(&browser, secret: testKey)
            let (_, page) = try await browser.page("/?group=billing")
            let token = try #require(csrfToken(in: page))
            #expect(page.contains(#"<form class="act" method="post" action="/ui/problems/1/acknowledge">"#))

            let forged = try await browser.send(.post, "/ui/problems/1/acknowledge", form: [("next", "/")])
            #expect(forged.status == .forbidden)
            #expect(String(buffer: forged.body).contains("nothing was done"))
            let (_, stillOpen) = try await client.getJSON("/problems/1")
            #expect(stillOpen["acknowledgement"] is NSNull)

            let acknowledged = try await browser.send(
                .post, "/ui/problems/1/acknowledge", form: [("csrf", token), ("next", "/?group=billing"), ("note", "on it")])
            #expect(acknowledged.status == .seeOther && acknowledged.headers[.location] == "/?group=billing")
            let (_, problem) = try await client.getJSON("/problems/1")
            #expect((problem["acknowledgement"] as? [String: Any])?["by"] as? String == "oncall")
            let (_, after) = try await browser.page("/?group=billing")
            #expect(after.contains(#"<p class="notice" role="status">Problem 1 acknowledged.</p>"#))
            let (_, again) = try await browser.page("/?group=billing")
            #expect(!again.contains(#"class="notice""#), "a notice shows once")

            let silenced = try await browser.send(.post, "/ui/silences", form: [("csrf", token), ("scope", "group"), ("subject", "billing"), ("for", "4h")])
            #expect(silenced.status == .seeOther)
            let (_, silences) = try await client.getJSON("/silences")
            let silence = try #require((silences["silences"] as? [[String: Any]])?.first)
            #expect(silence["group"] as? String == "billing" && silence["author"] as? String == "oncall")
            let badSpan = try await browser.send(.post, "/ui/silences", form: [("csrf", token), ("scope", "group"), ("subject", "billing"), ("for", "forever")])
            #expect(badSpan.status == .badRequest)

            let (confirmStatus, confirm) = try await browser.page("/ui/workers/Ledger01/deregister")
            #expect(confirmStatus == .ok && confirm.contains(#"<form method="post" action="/ui/workers/Ledger01/deregister">"#))
            let deregistered = try await browser.send(.post, "/ui/workers/Ledger01/deregister", form: [("csrf", token)])
            #expect(deregistered.status == .seeOther)
            #expect(try await client.statusCode(.get, "/workers/Ledger01") == 404)
        }
    }

    @Test("a read key signs in and sees no buttons; its actions are refused")
    func readKeyCannotAct() async throws {
        try await withApp(keys: [adminKey, readKey]) { client, _ in
            try await client.postState(eventJSON("Ledger01", "billing.ledger", "stopped", extra: #", "exit_code": 3"#))
            var browser = Browser(client)
            _ = try await signIn(&browser, secret: "read-key-0123456789")
            let (_, page) = try await browser.page("/")
            #expect(page.contains("Signed in as <strong>viewer</strong> (read)") && !page.contains("Acknowledge</button>"))
            let refused = try await browser.send(.post, "/ui/problems/1/acknowledge", form: [("csrf", try #require(csrfToken(in: page)))])
            #expect(refused.status == .forbidden)
            #expect(String(buffer: refused.body).contains("needs admin"))
            let (_, problem) = try await client.getJSON("/problems/1")
            #expect(problem["acknowledgement"] is NSNull)
        }
    }

    @Test("a session is kept in the store: it outlives a restart of the server")
    func sessionOutlivesRestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wokmanager-session-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cookies = Mutex<[String: String]>([:])
        try await withApp(readsRequireKey: true, folder: folder) { client, _ in
            var browser = Browser(client)
            _ = try await signIn(&browser, secret: testKey)
            cookies.withLock { $0 = browser.cookies }
        }
        try await withApp(readsRequireKey: true, folder: folder) { client, _ in
            let cookie = cookies.withLock { $0 }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            let response = try await client.execute(uri: "/", method: .get, headers: [.accept: "text/html", .cookie: cookie], body: nil)
            #expect(response.status == .ok)
        }
    }
}
