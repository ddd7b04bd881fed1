import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Web

@Suite("Methods a path does not take")
struct MethodNotAllowedTests {
    @Test("a routed path answers 405 naming the methods it takes in Allow, HEAD wherever GET is", arguments: [
        ("DELETE", "/worker/state", "POST"), ("POST", "/workers", "GET, HEAD"), ("PUT", "/workers/Importer01", "DELETE, GET, HEAD"),
        ("DELETE", "/events", "GET, HEAD, POST"), ("POST", "/", "GET, HEAD"), ("POST", "/ui/workers/Importer01", "GET, HEAD"),
        ("PATCH", "/healthz", "GET, HEAD"), ("OPTIONS", "/metrics", "GET, HEAD"), ("GET", "/worker/state/", "POST"),
    ])
    func allow(_ method: String, _ path: String, _ allow: String) async throws {
        try await withApp { client, _ in
            let response = try await client.send(try #require(HTTPRequest.Method(method)), path)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == allow)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(try response.error() == ["message": "\(method) is not allowed on \(path); it takes \(allow)"])
        }
    }

    @Test("HEAD on a path without GET is refused the same way, without a body")
    func head() async throws {
        try await withApp { client, _ in
            let response = try await client.send(.head, "/worker/state")
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "POST")
            #expect(response.body.readableBytes == 0)
        }
    }

    @Test("a path no route takes is still a JSON 404, whatever the method", arguments: [
        ("DELETE", "/no/such/thing"), ("POST", "/workers/Importer01/history"), ("GET", "/worker"), ("POST", "/static/style.css"),
    ])
    func unknownPath(_ method: String, _ path: String) async throws {
        try await withApp { client, _ in
            let response = try await client.send(try #require(HTTPRequest.Method(method)), path)
            #expect(response.status == .notFound)
            #expect(response.headers[.allow] == nil)
            #expect(try response.error()["message"] == "no such resource: \(method) \(path)")
        }
    }

    @Test("the method is refused before the key is asked for, and counted under the route's pattern")
    func beforeKeysAndCounted() async throws {
        try await withApp(readsRequireKey: true) { client, _ in
            #expect(try await client.statusCode(.post, "/workers") == 405)
            #expect(try await client.statusCode(.put, "/workers/Importer01") == 405)
            let metrics = String(buffer: try await client.send(.get, "/metrics?api-key=\(testKey)").body)
            #expect(metrics.contains(#"wokmanager_http_requests_total{route="/workers/{id}",method="PUT",status="405"} 1"#))
        }
    }

    @Test("a fixed segment wins over a parameter, as the router picks the route")
    func fixedSegmentsFirst() async throws {
        let router = Router()
        router.delete("/workers/{id}") { _, _ in HTTPResponse.Status.ok }
        router.get("/workers/stats") { _, _ in HTTPResponse.Status.ok }
        router.add(middleware: MethodNotAllowedMiddleware(routesOf: router))
        try await Application(router: router).test(.router) { client in
            let stats = try await client.execute(uri: "/workers/stats", method: .delete)
            #expect(stats.status == .methodNotAllowed)
            #expect(stats.headers[.allow] == "GET, HEAD")
            let worker = try await client.execute(uri: "/workers/Importer01", method: .get)
            #expect(worker.headers[.allow] == "DELETE")
        }
    }
}
