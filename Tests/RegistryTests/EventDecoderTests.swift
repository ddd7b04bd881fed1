import Foundation
import Registry
import Testing

@Suite("Decoding and validating events")
struct EventDecoderTests {
    let decoder = EventDecoder()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func decode(_ json: String) throws(EventValidationError) -> WorkerEvent {
        try decoder.decodeEvent(from: Data(json.utf8), receivedAt: now)
    }

    private func field(of json: String) -> String? {
        do {
            _ = try decode(json)
            return nil
        } catch {
            return error.field
        }
    }

    @Test("the seed's event, verbatim")
    func seedEvent() throws {
        let event = try decode(#"{"id" : "Importer1d", "group" : "product.importer", "event" : "started", "at" : "now"}"#)
        #expect(event.id == "Importer1d")
        #expect(event.group == "product.importer")
        #expect(event.kind == .started)
        #expect(event.at == now)
        #expect(event.receivedAt == now)
    }

    @Test("every optional field is read")
    func optionalFields() throws {
        let event = try decode(
            #"{"id":"w1","group":"a.b","event":"stopped","at":1799999990,"ttl":30,"exit_code":3,"host":"h1","pid":42,"version":"1.2","labels":{"team":"data"}}"#
        )
        #expect(event.at == now.addingTimeInterval(-10))
        #expect(event.ttl == 30)
        #expect(event.exitCode == 3)
        #expect(event.host == "h1")
        #expect(event.pid == 42)
        #expect(event.version == "1.2")
        #expect(event.labels == ["team": "data"])
    }

    @Test("each bad field is named", arguments: [
        (#"{"group":"a","event":"started"}"#, "id"),
        (#"{"id":"","group":"a","event":"started"}"#, "id"),
        (#"{"id":"a\nb","group":"a","event":"started"}"#, "id"),
        (#"{"id":"a*","group":"a","event":"started"}"#, "id"),
        (#"{"id":42,"group":"a","event":"started"}"#, "id"),
        (#"{"id":"w","event":"started"}"#, "group"),
        (#"{"id":"w","group":"a..b","event":"started"}"#, "group"),
        (#"{"id":"w","group":".a","event":"started"}"#, "group"),
        (#"{"id":"w","group":"a"}"#, "event"),
        (#"{"id":"w","group":"a","event":"exploded"}"#, "event"),
        (#"{"id":"w","group":"a","event":"started","at":"soon"}"#, "at"),
        (#"{"id":"w","group":"a","event":"started","at":true}"#, "at"),
        (#"{"id":"w","group":"a","event":"started","ttl":-1}"#, "ttl"),
        (#"{"id":"w","group":"a","event":"started","ttl":"30"}"#, "ttl"),
        (#"{"id":"w","group":"a","event":"started","pid":-3}"#, "pid"),
        (#"{"id":"w","group":"a","event":"started","labels":{"team":1}}"#, "labels.team"),
        (#"{"id":"w","group":"a","event":"started","labels":{"bad key":"x"}}"#, "labels"),
        (#"{"id":"w","group":"a","event":"error"}"#, "message"),
        (#"{"id":"w","group":"a","event":"started""#, "body"),
        (#"[1, 2]"#, "body"),
        (#"not json"#, "body"),
    ])
    func namesTheField(_ json: String, _ expectedField: String) {
        #expect(field(of: json) == expectedField)
    }

    @Test("an over-long message is truncated with a marker, not rejected")
    func truncatesMessages() throws {
        let long = String(repeating: "x", count: Limits.messageLength * 2)
        let event = try decode(#"{"id":"w","group":"a","event":"error","message":"\#(long)","action":"logged"}"#)
        let message = try #require(event.message)
        #expect(message.count == Limits.messageLength)
        #expect(message.hasSuffix(Limits.truncationMarker))
    }

    @Test("a NUL character, which no store keeps faithfully, becomes U+FFFD")
    func nulCharacters() throws {
        let event = try decode(#"{"id":"w","group":"a","event":"error","message":"a\u0000b","action":"x\u0000","labels":{"k":"v\u0000"}}"#)
        #expect(event.message == "a\u{FFFD}b")
        #expect(event.action == "x\u{FFFD}")
        #expect(event.labels == ["k": "v\u{FFFD}"])
    }

    @Test("a batch as a JSON array keeps good items and names the bad ones")
    func batchArray() throws {
        let body = #"[{"id":"a","group":"g","event":"started"}, {"id":"b","group":"g","event":"nope"}, 7]"#
        let items = try decoder.decodeBatch(from: Data(body.utf8), receivedAt: now)
        #expect(items.count == 3)
        #expect((try? items[0].get())?.id == "a")
        #expect(throws: EventValidationError.self) { try items[1].get() }
        #expect(throws: EventValidationError(field: "body", message: "must be a JSON object")) { try items[2].get() }
    }

    @Test("a batch as NDJSON, blank lines ignored")
    func batchNDJSON() throws {
        let body = "{\"id\":\"a\",\"group\":\"g\",\"event\":\"started\"}\n\n{\"id\":\"b\",\"group\":\"g\",\"event\":\"heartbeat\"}\r\n"
        let items = try decoder.decodeBatch(from: Data(body.utf8), receivedAt: now)
        #expect(try items.map { try $0.get().id } == ["a", "b"])
    }

    @Test("an empty or oversized batch is refused whole")
    func batchBounds() {
        #expect(throws: EventValidationError.self) { try decoder.decodeBatch(from: Data("  \n".utf8), receivedAt: now) }
        #expect(throws: EventValidationError.self) { try decoder.decodeBatch(from: Data("[]".utf8), receivedAt: now) }
        let line = #"{"id":"a","group":"g","event":"heartbeat"}"# + "\n"
        let tooMany = String(repeating: line, count: Limits.batchLength + 1)
        #expect(throws: EventValidationError.self) { try decoder.decodeBatch(from: Data(tooMany.utf8), receivedAt: now) }
    }

    @Test("hostile but printable ids and groups are accepted, to be escaped where shown")
    func hostileButPrintable() throws {
        let event = try decode(#"{"id":"<script>alert(1)</script>","group":"a\"b.{{c}}","event":"started"}"#)
        #expect(event.id == "<script>alert(1)</script>")
        #expect(event.group == "a\"b.{{c}}")
    }
}
