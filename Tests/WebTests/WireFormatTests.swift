import Foundation
import Hummingbird
import HummingbirdTesting
import Registry
import Testing
@testable import Web

/// Users' scripts compare answers as text: the JSON bytes (key order, times, slashes) must not change.
@Suite("JSON on the wire")
struct WireFormatTests {
    private static let worker =
        #"{"error_count":0,"group":"product.importer","heartbeats":0,"host":"a/b","id":"Importer01","labels":{},"#
        + #""last_received_at":"2027-01-15T08:00:00.000Z","last_seen":"2027-01-15T07:59:59.123Z","metrics":{},"#
        + #""run_started_at":"2027-01-15T07:59:59.123Z","status":"running","status_since":"2027-01-15T07:59:59.123Z"}"#

    private func send(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil) async throws -> (
        HTTPResponse.Status, HTTPFields, String
    ) {
        let response = try await client.execute(uri: uri, method: method, headers: [:], body: body.map { ByteBuffer(string: $0) })
        return (response.status, response.headers, String(buffer: response.body))
    }

    @Test("an event's answer, a worker, a listing and the tree keep their bytes: sorted keys, RFC 3339 milliseconds, slashes as sent")
    func answers() async throws {
        try await withApp { client, _ in
            let event = #"{"id": "Importer01", "group": "product.importer", "event": "started", "at": "2027-01-15T07:59:59.123Z", "host": "a/b"}"#
            let (_, headers, started) = try await send(client, .post, "/worker/state?api-key=\(testKey)", event)
            #expect(headers[.contentType] == "application/json; charset=utf-8")
            #expect(started == #"{"event":"started","group":"product.importer","id":"Importer01","late":false,"status":"running"}"#)

            let (_, _, detail) = try await send(client, .get, "/workers/Importer01")
            let history =
                #"[{"at":"2027-01-15T07:59:59.123Z","event":"started","group":"product.importer","late":false,"#
                + #""received_at":"2027-01-15T08:00:00.000Z","sequence":1,"status":"running","worker_id":"Importer01"}]"#
            #expect(detail == #"{"errors":[],"history":\#(history),"messages":[],"worker":\#(Self.worker)}"#)

            let (_, _, listing) = try await send(client, .get, "/workers")
            #expect(listing == #"{"workers":[\#(Self.worker)]}"#)

            let (_, _, domains) = try await send(client, .get, "/domains")
            let counts = #"{"failed":0,"lost":0,"running":1,"stopped":0}"#
            let problems = #"{"acknowledged":0,"open":0}"#
            let importer = #"{"children":[],"counts":\#(counts),"name":"importer","path":"product.importer","problems":\#(problems),"worst_status":"running"}"#
            let product = #"{"children":[\#(importer)],"counts":\#(counts),"name":"product","path":"product","problems":\#(problems),"worst_status":"running"}"#
            #expect(domains == #"{"children":[\#(product)],"counts":\#(counts),"name":"","path":"","problems":\#(problems),"worst_status":"running"}"#)
        }
    }

    @Test("errors keep their bytes: the field, and the message led by it")
    func errors() async throws {
        try await withApp { client, _ in
            let (status, headers, limit) = try await send(client, .get, "/workers?limit=0")
            #expect(status == .badRequest)
            #expect(headers[.contentType] == "application/json; charset=utf-8")
            #expect(limit == #"{"error":{"field":"limit","message":"limit: must be a whole number from 1 to 1000"}}"#)

            let (_, _, missing) = try await send(client, .get, "/no/such/thing")
            #expect(missing == #"{"error":{"message":"no such resource: GET /no/such/thing"}}"#)

            let (_, _, batch) = try await send(client, .post, "/events?api-key=\(testKey)", #"[{"id": "x"}]"#)
            let rejected = #"[{"field":"group","index":0,"message":"is required"}]"#
            #expect(batch == #"{"accepted":0,"error":{"field":"body","message":"body: none of the 1 events is valid; see rejected"},"rejected":\#(rejected)}"#)
        }
    }

    @Test("the answer to an event, written by hand, has JSONEncoder's bytes for every character an id or group may hold and any other")
    func stateAnswerByHand() throws {
        let everyASCII = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
        let texts = [everyASCII, "a/b\\c\"d", "", "é✓\u{1F600}\u{2028}\u{7F}", "product.importer", String(repeating: "\"\n", count: 300)]
        for (index, text) in texts.enumerated() {
            let answer = StateAnswer(
                id: text, group: texts[(index + 1) % texts.count], event: EventKind.allCases[index % EventKind.allCases.count],
                status: WorkerStatus.allCases[index % WorkerStatus.allCases.count], late: index.isMultiple(of: 2))
            let byHand = String(buffer: answer.json())
            #expect(byHand == String(decoding: try JSONEncoder.answers.encode(answer), as: UTF8.self))
        }
    }
}
