import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import Web

/// Problems and silences on the status page, and the webhooks page.
@Suite("Attention on the pages")
struct AttentionPageTests {
    private func page(_ client: any TestClientProtocol, _ uri: String) async throws -> String {
        String(buffer: try await client.send(.get, uri).body)
    }

    private func admin(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ json: String) async throws -> Int {
        try await client.execute(
            uri: uri + "?api-key=\(testKey)", method: method, headers: [.contentType: "application/json"], body: ByteBuffer(string: json)
        ).status.code
    }

    @Test("an open problem is listed first with the commands that act on it, escaped; a silence is listed and marks it")
    func problemsAndSilences() async throws {
        try await withApp { client, _ in
            try await client.postState(eventJSON("imp-1", "product.importer", "stopped", extra: #", "exit_code": 3, "message": "<b>disk</b> full""#))
            var html = try await page(client, "/")
            #expect(html.contains(#"<span class="count">1</span> problems"#))
            let problems = try #require(html.range(of: #"<section class="problems""#))
            let workers = try #require(html.range(of: #"<section class="workers""#))
            #expect(problems.lowerBound < workers.lowerBound, "problems come before the workers")
            #expect(html.contains(#"<span class="kind failed">failed</span>"#))
            #expect(html.contains("&lt;b&gt;disk&lt;/b&gt; full; exit code 3"))
            #expect(!html.contains("<b>disk</b>"))
            #expect(html.contains("<code>wokmanager ack 1 --note &#39;...&#39;</code>"))
            #expect(html.contains("<code>wokmanager silence add --worker &#39;imp-1&#39; --for 2h --note &#39;...&#39;</code>"))
            #expect(html.contains(#"<span class="attention open">1 problem</span>"#))

            #expect(try await admin(client, .post, "/silences", #"{"group": "product", "until": "2h", "note": "migration <now>"}"#) == 201)
            html = try await page(client, "/")
            #expect(html.contains(#"<span class="silenced">silenced</span>"#))
            #expect(html.contains("group <strong>product</strong> muted until"))
            #expect(html.contains("migration &lt;now&gt;"))
            #expect(html.contains("<code>wokmanager silence end 1</code>"))

            #expect(try await admin(client, .post, "/problems/1/acknowledge", #"{"note": "on it"}"#) == 200)
            html = try await page(client, "/")
            #expect(html.contains(#"<span class="count">0</span> problems <span class="aside">(+1 acknowledged)</span>"#))
            #expect(html.contains(#"<span class="attention acknowledged">1 acknowledged</span>"#), "an acknowledged failure no longer makes its group red")
            #expect(html.contains("acknowledged by test: on it"))
        }
    }

    @Test("the webhooks page shows each receiver by host only, and its deliveries")
    func webhooksPage() async throws {
        try await withApp { client, _ in
            #expect(try await page(client, "/ui/webhooks").contains("No webhook yet"))
            let body = #"{"url": "https://hooks.example.com/services/T000/SECRET-PATH", "format": "slack", "group": "product"}"#
            #expect(try await admin(client, .put, "/webhooks/team-slack", body) == 200)
            let html = try await page(client, "/ui/webhooks")
            #expect(html.contains("<h2>team-slack</h2>"))
            #expect(html.contains("slack to <strong>hooks.example.com</strong>, product, all kinds."))
            #expect(!html.contains("SECRET-PATH"))
            #expect(html.contains("Nothing sent yet."))
            #expect(html.contains("<code>wokmanager webhooks test &#39;team-slack&#39;</code>"))
        }
    }
}
