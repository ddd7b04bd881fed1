import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Web

@Suite("Webhook routes")
struct WebhookRouteTests {
    private let key = "api-key=\(testKey)"

    private func put(_ client: some TestClientProtocol, _ name: String, _ json: String, key: String? = testKey) async throws -> TestResponse {
        try await client.execute(
            uri: "/webhooks/\(name)" + (key.map { "?api-key=\($0)" } ?? ""), method: .put, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: json))
    }

    @Test("a webhook set with PUT is listed without its secret, and keeps its creation time when replaced")
    func setAndList() async throws {
        try await withApp { client, clock in
            let set = try await put(client, "oncall", #"{"url": "https://hooks.example.com/x", "group": "product", "kinds": ["lost", "failed"], "secret": "s3cret"}"#)
            #expect(set.status == .ok)
            let answer = try set.json()
            #expect(answer["name"] as? String == "oncall")
            #expect(answer["format"] as? String == "json")
            #expect(answer["kinds"] as? [String] == ["failed", "lost"])
            #expect(answer["signed"] as? Bool == true)
            #expect(answer["secret"] == nil)
            clock.advance(by: 60)
            #expect(try await put(client, "oncall", #"{"url": "https://hooks.slack.com/services/T/B/C", "format": "slack"}"#).status == .ok)
            let (status, body) = try await client.getJSON("/webhooks?\(key)")
            #expect(status == .ok)
            let listed = try #require((body["webhooks"] as? [[String: Any]])?.first)
            #expect(listed["format"] as? String == "slack")
            #expect(listed["signed"] as? Bool == false)
            #expect(listed["group"] is NSNull)
            #expect(listed["kinds"] as? [String] == [])
            #expect(listed["created_at"] as? String == answer["created_at"] as? String)
            #expect(!String(buffer: try await client.send(.get, "/webhooks?\(key)").body).contains("s3cret"))
        }
    }

    @Test("bad input is a 400 naming the field", arguments: [
        ("oncall", #"{"format": "json"}"#, "url"),
        ("oncall", #"{"url": "ftp://example.com/x"}"#, "url"),
        ("oncall", #"{"url": 5}"#, "url"),
        ("oncall", #"{"url": "https://example.com", "format": "xml"}"#, "format"),
        ("oncall", #"{"url": "https://example.com", "kinds": ["late", "gone"]}"#, "kinds"),
        ("oncall", #"{"url": "https://example.com", "kinds": "lost"}"#, "kinds"),
        ("oncall", #"{"url": "https://example.com", "group": "a..b"}"#, "group"),
        ("oncall", #"{"url": "https://example.com", "format": "slack", "secret": "x"}"#, "secret"),
        ("oncall", #"not json"#, "body"),
        ("bad%20name", #"{"url": "https://example.com"}"#, "name"),
    ])
    func badInput(_ name: String, _ json: String, _ field: String) async throws {
        try await withApp { client, _ in
            let response = try await put(client, name, json)
            #expect(response.status == .badRequest)
            #expect(try response.error()["field"] == field)
        }
    }

    @Test("every webhook route needs an admin key")
    func needsAdmin() async throws {
        let keys = [AccessKey(name: "test", role: .admin, secret: testKey), AccessKey(name: "viewer", role: .read, secret: "read-key-0123456789")]
        try await withApp(keys: keys) { client, _ async throws in
            #expect(try await client.statusCode(.get, "/webhooks") == 401)
            #expect(try await client.statusCode(.get, "/webhooks?api-key=read-key-0123456789") == 403)
            #expect(try await put(client, "x", #"{"url": "https://example.com"}"#, key: nil).status == .unauthorized)
            #expect(try await client.statusCode(.delete, "/webhooks/x") == 401)
            #expect(try await client.statusCode(.get, "/webhooks/x/deliveries") == 401)
            #expect(try await client.statusCode(.post, "/webhooks/x/test") == 401)
        }
    }

    @Test("DELETE removes a webhook; an unknown one is a 404 for every route")
    func remove() async throws {
        try await withApp { client, _ in
            #expect(try await put(client, "x", #"{"url": "https://example.com"}"#).status == .ok)
            let deleted = try await client.send(.delete, "/webhooks/x?\(key)")
            #expect(deleted.status == .ok)
            #expect(try deleted.json()["deleted"] as? Bool == true)
            for (method, path) in [(HTTPRequest.Method.delete, "/webhooks/x"), (.get, "/webhooks/x/deliveries"), (.post, "/webhooks/x/test")] {
                let response = try await client.send(method, "\(path)?\(key)")
                #expect(response.status == .notFound)
                #expect(try response.error()["field"] == "name")
            }
        }
    }

    @Test("a test send answers 200 with how it went, and is in the delivery log")
    func testSend() async throws {
        try await withApp { client, _ in
            #expect(try await put(client, "x", #"{"url": "http://127.0.0.1:9/hook"}"#).status == .ok)
            let test = try await client.send(.post, "/webhooks/x/test?\(key)")
            #expect(test.status == .ok)
            let record = try test.json()
            #expect(record["delivered"] as? Bool == false)
            #expect(record["error"] as? String == "connection refused")
            #expect(record["status_code"] is NSNull)
            let (status, body) = try await client.getJSON("/webhooks/x/deliveries?limit=5&\(key)")
            #expect(status == .ok)
            let log = try #require(body["deliveries"] as? [[String: Any]])
            #expect(log.count == 1)
            #expect(log.first?["webhook"] as? String == "x")
            #expect(log.first?["notifications"] as? [Int] == [])
            #expect(try await client.statusCode(.get, "/webhooks/x/deliveries?limit=0&\(key)") == 400)
        }
    }
}
