import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Registry
import Testing
import Web

/// Which key may use which route: roles, group scopes, and how refusals are answered and counted.
@Suite("Access by role")
struct AccessRouteTests {
    static let keys = [
        AccessKey(name: "ops", role: .admin, secret: "admin-secret"),
        AccessKey(name: "importers", role: .write, scope: .glob("product.*"), secret: "scoped-write-secret"),
        AccessKey(name: "workers", role: .write, secret: "write-secret"),
        AccessKey(name: "workers-next", role: .write, secret: "rotated-write-secret"),
        AccessKey(name: "grafana", role: .read, secret: "read-secret"),
    ]

    @Test("each role reaches its own routes and gets 403 naming the key and the role elsewhere", arguments: [
        // (key, method, path, expected status)
        ("read-secret", "POST", "/worker/state", 403),
        ("read-secret", "GET", "/workers", 200),
        ("read-secret", "DELETE", "/workers/a", 403),
        ("write-secret", "POST", "/worker/state", 200),
        ("rotated-write-secret", "POST", "/worker/state", 200),
        ("write-secret", "GET", "/workers", 403),
        ("write-secret", "GET", "/metrics", 403),
        ("write-secret", "DELETE", "/workers/a", 403),
        ("admin-secret", "POST", "/worker/state", 200),
        ("admin-secret", "GET", "/", 200),
        ("admin-secret", "DELETE", "/workers/a", 200),
    ])
    func roles(secret: String, method: String, path: String, expected: Int) async throws {
        try await withApp(keys: Self.keys, readsRequireKey: true) { client, _ in
            let seeded = try await client.postState(eventJSON("a"), key: "admin-secret")
            #expect(seeded.status == .ok)
            let body = method == "POST" ? ByteBuffer(string: eventJSON("a")) : nil
            let response = try await client.execute(
                uri: path, method: HTTPRequest.Method(method)!, headers: [.authorization: "Bearer \(secret)"], body: body)
            #expect(response.status.code == expected)
            if expected == 403 {
                let error = try #require(try response.json()["error"] as? [String: Any])
                #expect(error["field"] as? String == "api-key")
                #expect((error["message"] as? String)?.contains("role") == true)
            }
        }
    }

    @Test("a scoped write key reports inside its groups and gets 403 naming the group outside them")
    func scopedSingleEvent() async throws {
        try await withApp(keys: Self.keys) { client, _ in
            #expect(try await client.postState(eventJSON("in", "product.importer"), key: "scoped-write-secret").status == .ok)
            let outside = try await client.postState(eventJSON("out", "billing.export"), key: "scoped-write-secret")
            #expect(outside.status == .forbidden)
            let error = try #require(try outside.json()["error"] as? [String: Any])
            #expect(error["field"] as? String == "group")
            #expect((error["message"] as? String)?.contains("product.*") == true)
            // `product.*` covers groups below product, not product itself.
            #expect(try await client.postState(eventJSON("top", "product"), key: "scoped-write-secret").status == .forbidden)
            #expect(try await client.workerIDs() == ["in"])
        }
    }

    @Test("a scoped key cannot take over a worker stored outside its groups by sending its id")
    func scopedKeyCannotMoveForeignWorkers() async throws {
        try await withApp(keys: Self.keys) { client, _ in
            #expect(try await client.postState(eventJSON("billing-1", "billing.export"), key: "write-secret").status == .ok)
            let single = try await client.postState(eventJSON("billing-1", "product.importer", "error", extra: #", "message": "x""#), key: "scoped-write-secret")
            #expect(single.status == .forbidden)
            #expect(try single.json()["error"].flatMap { $0 as? [String: Any] }?["field"] as? String == "id")
            let batch = "[\(eventJSON("billing-1", "product.importer", "stopped")), \(eventJSON("new-1", "product.importer"))]"
            let response = try await client.execute(
                uri: "/events", method: .post, headers: [.authorization: "Bearer scoped-write-secret"], body: ByteBuffer(string: batch))
            let answer = try response.json()
            #expect(answer["accepted"] as? Int == 1)
            #expect((answer["rejected"] as? [[String: Any]])?.map { $0["field"] as? String } == ["id"])
            let (_, detail) = try await client.getJSON("/workers/billing-1")
            let worker = try #require(detail["worker"] as? [String: Any])
            #expect(worker["group"] as? String == "billing.export")
            #expect(worker["status"] as? String == "running")
        }
    }

    @Test("in a batch, a scoped key's events outside its groups are rejected one by one")
    func scopedBatch() async throws {
        try await withApp(keys: Self.keys) { client, _ in
            let batch = "[\(eventJSON("a", "product.importer")), \(eventJSON("b", "billing.export")), \(eventJSON("c", "product.api"))]"
            let response = try await client.execute(
                uri: "/events", method: .post, headers: [.authorization: "Bearer scoped-write-secret"], body: ByteBuffer(string: batch))
            #expect(response.status == .ok)
            let answer = try response.json()
            #expect(answer["accepted"] as? Int == 2)
            let rejected = try #require(answer["rejected"] as? [[String: Any]])
            #expect(rejected.count == 1)
            #expect(rejected.first?["index"] as? Int == 1)
            #expect(rejected.first?["field"] as? String == "group")
            #expect(try await client.workerIDs() == ["a", "c"])
        }
    }

    @Test("refusals are counted by reason: missing, invalid, forbidden")
    func refusalsCounted() async throws {
        try await withApp(keys: Self.keys) { client, _ in
            _ = try await client.postState(eventJSON("a"), key: nil)
            _ = try await client.postState(eventJSON("a"), key: "not-a-key")
            _ = try await client.postState(eventJSON("a"), key: "read-secret")
            _ = try await client.postState(eventJSON("a"), key: "read-secret")
            let text = String(buffer: try await client.send(.get, "/metrics").body)
            #expect(text.contains(#"wokmanager_auth_failures_total{reason="missing"} 1"#))
            #expect(text.contains(#"wokmanager_auth_failures_total{reason="invalid"} 1"#))
            #expect(text.contains(#"wokmanager_auth_failures_total{reason="forbidden"} 2"#))
        }
    }
}
