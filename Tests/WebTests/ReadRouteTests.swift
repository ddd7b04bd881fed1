import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Registry
import Testing
import Web

@Suite("Read API")
struct ReadRouteTests {
    @Test("workers filter by id glob, group, several statuses and a search, and page with a cursor")
    func listing() async throws {
        try await withApp { client, _ in
            for id in ["Importer01", "Importer02", "Importer03"] { try await client.postState(eventJSON(id)) }
            try await client.postState(eventJSON("Promo01", "price.promotion"))
            try await client.postState(eventJSON("Promo02", "price.promotion", "stopped", extra: #", "exit_code": 1"#))
            #expect(try await client.workerIDs("?id=*").count == 5)
            #expect(try await client.workerIDs("?id=Importer*") == ["Importer01", "Importer02", "Importer03"])
            #expect(try await client.workerIDs("?group=price") == ["Promo01", "Promo02"])
            #expect(try await client.workerIDs("?group=product.*") == ["Importer01", "Importer02", "Importer03"])
            #expect(try await client.workerIDs("?status=failed&status=running&group=price") == ["Promo01", "Promo02"])
            #expect(try await client.workerIDs("?status=failed,stopped") == ["Promo02"])
            #expect(try await client.workerIDs("?q=PROMO&status=running") == ["Promo01"])

            let (_, first) = try await client.getJSON("/workers?limit=2")
            let cursor = try #require(first["next_cursor"] as? String)
            #expect(try await client.workerIDs("?limit=2&cursor=\(cursor)") == ["Importer03", "Promo01"])
        }
    }

    @Test("bad query parameters answer 400 naming the parameter", arguments: [
        ("/workers?status=sleeping", "status"), ("/workers?limit=0", "limit"), ("/workers?limit=many", "limit"),
        ("/workers?group=a..b", "group"), ("/workers?id=a[b]*", "id"), ("/errors?since=whenever", "since"),
        ("/events?before=-1", "before"), ("/events?worker=a*", "worker"), ("/workers?q=" + String(repeating: "x", count: 201), "q"),
    ])
    func badParameters(_ uri: String, _ field: String) async throws {
        try await withApp { client, _ in
            let response = try await client.send(.get, uri)
            #expect(response.status == .badRequest)
            #expect(try response.error()["field"] == field)
        }
    }

    @Test("one worker with its messages, errors and state changes; unknown ids are a JSON 404")
    func workerDetail() async throws {
        try await withApp { client, clock in
            try await client.postState(eventJSON("a b/<c>", extra: #", "labels": {"team": "data"}, "host": "h1""#))
            clock.advance(by: 1)
            try await client.postState(eventJSON("a b/<c>", "product.importer", "message", extra: #", "message": "importing 10 rows""#))
            try await client.postState(eventJSON("a b/<c>", "product.importer", "error", extra: #", "message": "row 3 bad", "action": "skipped""#))
            let (status, detail) = try await client.getJSON("/workers/a%20b%2F%3Cc%3E")
            #expect(status == .ok)
            let worker = try #require(detail["worker"] as? [String: Any])
            #expect(worker["id"] as? String == "a b/<c>")
            #expect(worker["host"] as? String == "h1")
            #expect(worker["message"] as? String == "importing 10 rows")
            #expect(worker["error_count"] as? Int == 1)
            #expect((detail["messages"] as? [[String: Any]])?.first?["message"] as? String == "importing 10 rows")
            #expect((detail["errors"] as? [[String: Any]])?.first?["action"] as? String == "skipped")
            #expect((detail["history"] as? [[String: Any]])?.map { $0["status"] as? String } == ["running"])

            let missing = try await client.send(.get, "/workers/nobody")
            #expect(missing.status == .notFound)
            #expect(try missing.error()["message"]?.contains("nobody") == true)
        }
    }

    @Test("a worker that outlives its TTL shows as lost, in listings, the tree and metrics")
    func lostWorkers() async throws {
        try await withApp { client, clock in
            try await client.postState(eventJSON("short", extra: #", "ttl": 30"#))
            try await client.postState(eventJSON("forever"))
            clock.advance(by: 31)
            #expect(try await client.workerIDs("?status=lost") == ["short"])
            let (_, tree) = try await client.getJSON("/domains")
            let counts = try #require(tree["counts"] as? [String: Int])
            #expect(counts == ["running": 1, "lost": 1, "stopped": 0, "failed": 0])
            #expect(tree["worst_status"] as? String == "lost")
            let metrics = try await client.send(.get, "/metrics")
            let text = String(buffer: metrics.body)
            #expect(text.contains("wokmanager_workers_running{group=\"product.importer\"} 1"))
            #expect(text.contains("wokmanager_workers{group=\"product.importer\",status=\"lost\"} 1"))
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
        }
    }

    @Test("errors and events filter by group, worker and time, newest first")
    func history() async throws {
        try await withApp { client, clock in
            try await client.postState(eventJSON("a", "product.importer", "error", extra: #", "message": "first", "action": "logged""#))
            clock.advance(by: 10)
            try await client.postState(eventJSON("b", "price", "error", extra: #", "message": "second", "action": "retried""#))
            try await client.postState(eventJSON("a", "product.importer", "stopped"))
            let (_, all) = try await client.getJSON("/errors")
            #expect((all["errors"] as? [[String: Any]])?.compactMap { $0["message"] as? String } == ["second", "first"])
            let (_, product) = try await client.getJSON("/errors?group=product")
            #expect((product["errors"] as? [[String: Any]])?.count == 1)
            let (_, recent) = try await client.getJSON("/errors?since=1800000005")
            #expect((recent["errors"] as? [[String: Any]])?.compactMap { $0["worker_id"] as? String } == ["b"])
            let (_, events) = try await client.getJSON("/events?worker=a")
            #expect((events["events"] as? [[String: Any]])?.compactMap { $0["event"] as? String } == ["stopped", "error"])
            let (_, stops) = try await client.getJSON("/events?event=stopped")
            #expect((stops["events"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test("reads are open by default; a setting makes them need a key")
    func readKeys() async throws {
        try await withApp(readsRequireKey: true) { client, _ in
            let codes = [
                try await client.statusCode(.get, "/workers"), try await client.statusCode(.get, "/domains"),
                try await client.statusCode(.get, "/metrics"), try await client.statusCode(.get, "/"),
                try await client.statusCode(.get, "/workers?api-key=\(testKey)"), try await client.statusCode(.get, "/healthz"),
            ]
            #expect(codes == [401, 401, 401, 401, 200, 200])
        }
        try await withApp { client, _ in
            let open = try await client.statusCode(.get, "/workers")
            #expect(open == 200)
        }
    }

    @Test("health answers ok, and an unknown route is a JSON 404")
    func healthAndNotFound() async throws {
        try await withApp { client, _ in
            let (status, health) = try await client.getJSON("/healthz")
            #expect(status == .ok)
            #expect(health["status"] as? String == "ok")
            let missing = try await client.send(.get, "/no/such/thing")
            #expect(missing.status == .notFound)
            #expect(try missing.error()["message"]?.contains("/no/such/thing") == true)
        }
    }
}
