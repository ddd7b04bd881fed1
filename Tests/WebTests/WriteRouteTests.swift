import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Registry
import Testing
import Web

@Suite("Write API")
struct WriteRouteTests {
    @Test("the seed's started and stopped events, then the worker's status")
    func seedEvents() async throws {
        try await withApp { client, _ in
            let started = try await client.postState(
                #"{"id" : "Importer1d", "group" : "product.importer", "event" : "started", "at" : "now"}"#)
            #expect(started.status == .ok)
            #expect(try started.json()["status"] as? String == "running")
            #expect(try await client.workerIDs("?status=running") == ["Importer1d"])

            let stopped = try await client.postState(
                #"{"id" : "Importer1d", "group" : "product.importer", "event" : "stopped", "at" : "now"}"#)
            #expect(try stopped.json()["status"] as? String == "stopped")
            #expect(try await client.workerIDs("?status=running") == [])
            #expect(try await client.workerIDs("?status=stopped") == ["Importer1d"])
        }
    }

    @Test("every kind of bad input answers 4xx naming the field, and changes nothing", arguments: [
        (#"{"id": "w", "group": "g", "event": "started""#, 400, "body"),
        (#"{"id": "w", "group": "g"}"#, 400, "event"),
        (#"{"id": "w", "group": "g", "event": "exploded"}"#, 400, "event"),
        (#"{"id": "", "group": "g", "event": "started"}"#, 400, "id"),
        (#"{"id": "w", "group": "g..h", "event": "started"}"#, 400, "group"),
        (#"{"id": "w", "group": "g", "event": "started", "at": "tomorrow-ish"}"#, 400, "at"),
        (#"{"id": "w", "group": "g", "event": "started", "ttl": "long"}"#, 400, "ttl"),
    ])
    func badInput(_ json: String, _ status: Int, _ field: String) async throws {
        try await withApp { client, _ in
            try await client.postState(eventJSON("existing"))
            let response = try await client.postState(json)
            #expect(response.status.code == status)
            let error = try response.error()
            #expect(error["field"] == field)
            #expect(error["message"]?.hasPrefix(field + ":") == true)
            #expect(try await client.workerIDs() == ["existing"])
        }
    }

    @Test("an oversized body answers 413 with a JSON error")
    func oversizedBody() async throws {
        try await withApp(limits: RequestLimits(eventBody: 1024)) { client, _ in
            let response = try await client.postState(eventJSON("w", extra: #", "message": "\#(String(repeating: "x", count: 2000))""#))
            #expect(response.status == .contentTooLarge)
            #expect(try response.error()["field"] == "body")
            #expect(try await client.workerIDs() == [])
        }
    }

    @Test("a missing or wrong key answers 401 and stores nothing")
    func rejectsBadKeys() async throws {
        try await withApp { client, _ in
            let missing = try await client.postState(eventJSON("w"), key: nil)
            #expect(missing.status == .unauthorized)
            #expect(try missing.error()["field"] == "api-key")
            let wrong = try await client.postState(eventJSON("w"), key: "not-the-key")
            #expect(wrong.status == .unauthorized)
            let prefix = try await client.postState(eventJSON("w"), key: String(testKey.dropLast()))
            #expect(prefix.status == .unauthorized)
            #expect(try await client.workerIDs() == [])
        }
    }

    @Test("the key is accepted in the query, X-API-Key, or Authorization: Bearer")
    func keyLocations() async throws {
        try await withApp { client, _ in
            let body = ByteBuffer(string: eventJSON("a"))
            let viaHeader = try await client.execute(uri: "/worker/state", method: .post, headers: [HTTPField.Name("X-API-Key")!: testKey], body: body)
            #expect(viaHeader.status == .ok)
            let viaBearer = try await client.execute(uri: "/worker/state", method: .post, headers: [.authorization: "Bearer \(testKey)"], body: body)
            #expect(viaBearer.status == .ok)
            #expect(try await client.postState(eventJSON("b")).status.code == 200)
        }
    }

    @Test("a batch as a JSON array says what was accepted and what was rejected, and why")
    func batchArray() async throws {
        try await withApp { client, _ in
            let body = "[\(eventJSON("a")), \(eventJSON("b", "g", "bogus")), \(eventJSON("c", "g", "heartbeat"))]"
            let response = try await client.execute(uri: "/events?api-key=\(testKey)", method: .post, body: ByteBuffer(string: body))
            #expect(response.status == .ok)
            let answer = try response.json()
            #expect(answer["accepted"] as? Int == 2)
            let rejected = try #require(answer["rejected"] as? [[String: Any]])
            #expect(rejected.count == 1)
            #expect(rejected.first?["index"] as? Int == 1)
            #expect(rejected.first?["field"] as? String == "event")
            #expect(try await client.workerIDs() == ["a", "c"])
        }
    }

    @Test("a gzip-compressed NDJSON batch is accepted")
    func gzipNDJSON() async throws {
        try await withApp { client, _ in
            var plain = ByteBuffer(string: (0..<100).map { eventJSON("w\($0)") }.joined(separator: "\n"))
            let compressed = try plain.compress(with: .gzip())
            let response = try await client.execute(
                uri: "/events?api-key=\(testKey)", method: .post,
                headers: [.contentEncoding: "gzip", .contentType: "application/x-ndjson"], body: compressed)
            #expect(response.status == .ok)
            #expect(try response.json()["accepted"] as? Int == 100)
            #expect(try await client.workerIDs("?limit=1000").count == 100)
        }
    }

    @Test("a gzip bomb answers 413, corrupt gzip 400, an unknown encoding 415")
    func hostileBodies() async throws {
        try await withApp(limits: RequestLimits(batchDecompressed: 64 << 10)) { client, _ in
            var zeros = ByteBuffer(repeating: 0x20, count: 4 << 20)
            let bomb = try zeros.compress(with: .gzip())
            #expect(bomb.readableBytes < 64 << 10)
            let bombed = try await client.execute(uri: "/events?api-key=\(testKey)", method: .post, headers: [.contentEncoding: "gzip"], body: bomb)
            #expect(bombed.status == .contentTooLarge)
            let corrupt = try await client.execute(
                uri: "/events?api-key=\(testKey)", method: .post, headers: [.contentEncoding: "gzip"], body: ByteBuffer(string: "not gzip at all"))
            #expect(corrupt.status == .badRequest)
            let brotli = try await client.execute(
                uri: "/events?api-key=\(testKey)", method: .post, headers: [.contentEncoding: "br"], body: ByteBuffer(string: "x"))
            #expect(brotli.status == .unsupportedMediaType)
            #expect(try await client.workerIDs() == [])
        }
    }

    @Test("a batch with nothing valid is a 400 that still lists every rejection")
    func allRejected() async throws {
        try await withApp { client, _ in
            let response = try await client.execute(uri: "/events?api-key=\(testKey)", method: .post, body: ByteBuffer(string: "[1, 2]"))
            #expect(response.status == .badRequest)
            #expect((try response.json()["rejected"] as? [Any])?.count == 2)
            #expect(try response.error()["field"] == "body")
            let notJSON = try await client.execute(uri: "/events?api-key=\(testKey)", method: .post, body: ByteBuffer(string: "[oops"))
            #expect(try notJSON.error()["field"] == "body")
        }
    }

    @Test("deregistering needs a key and removes the worker")
    func deregister() async throws {
        try await withApp { client, _ in
            try await client.postState(eventJSON("gone"))
            let withoutKey = try await client.send(.delete, "/workers/gone")
            #expect(withoutKey.status == .unauthorized)
            let deleted = try await client.send(.delete, "/workers/gone?api-key=\(testKey)")
            #expect(deleted.status == .ok)
            let again = try await client.send(.delete, "/workers/gone?api-key=\(testKey)")
            #expect(again.status == .notFound)
            #expect(try again.error()["field"] == "id")
            #expect(try await client.workerIDs() == [])
        }
    }
}
