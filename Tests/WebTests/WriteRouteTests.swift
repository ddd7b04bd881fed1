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

/// Every limit of docs/api.md ("Limits") through the routes: accepted exactly at the limit, and one over
/// answered with the documented status and a JSON error naming the field.
@Suite("Write API limits")
struct WriteLimitTests {
    /// One limit: an event exactly at it, the same event one over it, and the field the error names.
    struct Boundary: Sendable, CustomTestStringConvertible {
        var name: String
        var atLimit: String
        var overLimit: String
        var field: String
        var testDescription: String { name }

        init(_ name: String, field: String, _ event: (Bool) -> String) {
            self.name = name
            self.field = field
            atLimit = event(false)
            overLimit = event(true)
        }
    }

    /// An event with `fields` added; `id` and `group` may be replaced.
    static func event(id: String = "w", group: String = "g", kind: String = "heartbeat", _ fields: String = "") -> String {
        #"{"id": "\#(id)", "group": "\#(group)", "event": "\#(kind)"\#(fields)}"#
    }

    static func text(_ count: Int, _ character: String = "x") -> String {
        String(repeating: character, count: count)
    }

    static func labels(_ count: Int, key: (Int) -> String = { "k\($0)" }, value: String = "v") -> String {
        #", "labels": {"# + (0..<count).map { #""\#(key($0))": "\#(value)""# }.joined(separator: ", ") + "}"
    }

    static let boundaries: [Boundary] = [
        Boundary("id: 200 characters", field: "id") { over in event(id: text(over ? 201 : 200)) },
        Boundary("group: 255 characters in all", field: "group") { over in
            event(group: ([text(63), text(63), text(63), text(over ? 64 : 63)]).joined(separator: "."))
        },
        Boundary("group: 64 characters a segment", field: "group") { over in event(group: "a." + text(over ? 65 : 64)) },
        Boundary("group: 16 segments", field: "group") { over in
            event(group: (0..<(over ? 17 : 16)).map { "s\($0)" }.joined(separator: "."))
        },
        Boundary("labels: 32 of them", field: "labels") { over in event(labels(over ? 33 : 32)) },
        Boundary("labels: keys of 64 characters", field: "labels") { over in event(labels(1, key: { _ in text(over ? 65 : 64, "k") })) },
        Boundary("labels: values of 256 characters", field: "labels.k0") { over in event(labels(1, value: text(over ? 257 : 256))) },
        Boundary("action: 255 characters", field: "action") { over in
            event(kind: "error", #", "message": "m", "action": "\#(text(over ? 256 : 255))""#)
        },
        Boundary("host: 255 characters", field: "host") { over in event(#", "host": "\#(text(over ? 256 : 255))""#) },
        Boundary("version: 255 characters", field: "version") { over in event(#", "version": "\#(text(over ? 256 : 255))""#) },
        Boundary("ttl: at most a year", field: "ttl") { over in event(over ? #", "ttl": 31536000.001"# : #", "ttl": 31536000"#) },
        Boundary("ttl: not negative", field: "ttl") { over in event(over ? #", "ttl": -0.001"# : #", "ttl": 0"#) },
        Boundary("at: at most 24 hours ahead", field: "at") { over in event(over ? #", "at": 1800086400.001"# : #", "at": 1800086400"#) },
        Boundary("at: not before 2000", field: "at") { over in
            event(over ? #", "at": "1999-12-31T23:59:59.999Z""# : #", "at": "2000-01-01T00:00:00Z""#)
        },
    ]

    @Test("accepted at the limit; one over is a 400 naming the field, and stores nothing", arguments: boundaries)
    func eventLimit(_ boundary: Boundary) async throws {
        try await withApp { client, _ in
            let over = try await client.postState(boundary.overLimit)
            #expect(over.status == .badRequest)
            #expect(try over.error()["field"] == boundary.field)
            #expect(try over.error()["message"]?.hasPrefix(boundary.field + ":") == true)
            #expect(try await client.workerIDs() == [])
            let atLimit = try await client.postState(boundary.atLimit)
            #expect(atLimit.status == .ok)
            #expect(try await client.workerIDs().count == 1)
        }
    }

    @Test("a message over 4096 characters is cut with a marker, never refused; one of 4096 is kept whole")
    func messageLimit() async throws {
        try await withApp { client, _ in
            for (id, length) in [("at-limit", 4096), ("over", 4097), ("far-over", 40_000)] {
                let response = try await client.postState(Self.event(id: id, kind: "error", #", "message": "\#(Self.text(length))", "action": "logged""#))
                #expect(response.status == .ok)
            }
            let kept = try await messages(client)
            #expect(kept["at-limit"] == Self.text(4096))
            for id in ["over", "far-over"] {
                #expect(kept[id]?.unicodeScalars.count == 4096)
                #expect(kept[id]?.hasSuffix(Limits.truncationMarker) == true)
                #expect(kept[id]?.hasPrefix(Self.text(4096 - Limits.truncationMarker.unicodeScalars.count)) == true)
            }
        }
    }

    /// The latest error message of every worker, by id.
    private func messages(_ client: any TestClientProtocol) async throws -> [String: String] {
        let (_, body) = try await client.getJSON("/errors")
        let errors = body["errors"] as? [[String: Any]] ?? []
        return Dictionary(errors.compactMap { error in
            (error["worker_id"] as? String).flatMap { id in (error["message"] as? String).map { (id, $0) } }
        }, uniquingKeysWith: { first, _ in first })
    }

    /// `body` padded with spaces after the JSON to exactly `size` bytes.
    private func padded(_ body: String, to size: Int) -> ByteBuffer {
        ByteBuffer(string: body + String(repeating: " ", count: size - body.utf8.count))
    }

    @Test("POST /worker/state: a body of 64 KiB is read; one byte more is a 413 naming the body")
    func eventBodyLimit() async throws {
        #expect(RequestLimits().eventBody == 64 << 10)
        try await withApp { client, _ in
            let uri = "/worker/state?api-key=\(testKey)"
            let over = try await client.execute(uri: uri, method: .post, body: padded(Self.event(id: "over"), to: (64 << 10) + 1))
            #expect(over.status == .contentTooLarge)
            #expect(try over.error()["field"] == "body")
            let atLimit = try await client.execute(uri: uri, method: .post, body: padded(Self.event(id: "at-limit"), to: 64 << 10))
            #expect(atLimit.status == .ok)
            #expect(try await client.workerIDs() == ["at-limit"])
        }
    }

    @Test("POST /events: a body at the limit is read; one byte more is a 413 naming the body")
    func batchBodyLimit() async throws {
        #expect(RequestLimits().batchBody == 8 << 20)
        try await withApp(limits: RequestLimits(batchBody: 4096)) { client, _ in
            let uri = "/events?api-key=\(testKey)"
            let over = try await client.execute(uri: uri, method: .post, body: padded(Self.event(id: "over"), to: 4097))
            #expect(over.status == .contentTooLarge)
            #expect(try over.error()["field"] == "body")
            let atLimit = try await client.execute(uri: uri, method: .post, body: padded(Self.event(id: "at-limit"), to: 4096))
            #expect(atLimit.status == .ok)
            #expect(try await client.workerIDs() == ["at-limit"])
        }
    }

    @Test("POST /events: gzip that decompresses to the limit is read; one byte more is a 413 naming the body")
    func decompressedLimit() async throws {
        #expect(RequestLimits().batchDecompressed == 32 << 20)
        try await withApp(limits: RequestLimits(batchDecompressed: 64 << 10)) { client, _ in
            let uri = "/events?api-key=\(testKey)"
            var atLimitBody = padded(Self.event(id: "at-limit"), to: 64 << 10)
            let atLimit = try await client.execute(uri: uri, method: .post, headers: [.contentEncoding: "gzip"], body: atLimitBody.compress(with: .gzip()))
            #expect(atLimit.status == .ok)
            var overBody = padded(Self.event(id: "over"), to: (64 << 10) + 1)
            let over = try await client.execute(uri: uri, method: .post, headers: [.contentEncoding: "gzip"], body: overBody.compress(with: .gzip()))
            // CompressNIO's maxSize bounds the capacity it asks for, which NIO rounds up to a power of two,
            // so EventRoutes checks the size it got.
            #expect(over.status == .contentTooLarge)
            #expect(try over.error()["field"] == "body")
        }
    }

    @Test("POST /events: 10,000 events are read; 10,001 are a 400 naming the body, and store nothing")
    func batchLengthLimit() async throws {
        try await withApp { client, _ in
            let uri = "/events?api-key=\(testKey)"
            let lines = { (count: Int) in (0..<count).map { Self.event(id: "w\($0)") }.joined(separator: "\n") }
            let over = try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: lines(10_001)))
            #expect(over.status == .badRequest)
            #expect(try over.error()["field"] == "body")
            #expect(try await client.workerIDs() == [])
            let atLimit = try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: lines(10_000)))
            #expect(atLimit.status == .ok)
            #expect(try atLimit.json()["accepted"] as? Int == 10_000)
        }
    }
}
