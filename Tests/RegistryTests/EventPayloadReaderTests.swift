import Foundation
import Testing

@testable import Registry

/// The hand-written event reader against `JSONDecoder`: it reads what workers send the same, and declines the rest
/// (the fuzz target `decoder` compares the two on arbitrary bytes).
@Suite("Event payload reader")
struct EventPayloadReaderTests {
    private func decoded(_ json: String) -> EventPayload? {
        try? JSONDecoder().decode(EventPayload.self, from: Data(json.utf8))
    }

    @Test("reads the seed's events, every field, escapes and numbers as JSONDecoder does")
    func readsLikeJSONDecoder() {
        let bodies = [
            #"{"id":"w1","group":"product.importer","event":"started","at":"now"}"#,
            #"{"id": "w1", "group": "product.importer", "event": "heartbeat", "at": 1800000000.25, "ttl": 30}"#,
            #" {"id":"w1","group":"g","event":"error","message":"disk \"full\"\n\ttab \/ \\ \u00e9 \ud83d\ude00","action":"retried"} "#,
            #"{"id":"w1","group":"g","event":"stopped","exit_code":-3,"pid":0,"host":"h\u0000","version":"1.2"}"#,
            #"{"id":"w1","group":"g","event":"heartbeat","labels":{"region":"eu","tier":""},"metrics":{"rows_total":1e3,"lag":-0.5E-2}}"#,
            #"{"id":"w1","group":"g","event":"started","labels":{},"metrics":{},"ttl":null,"at":null,"message":null}"#,
            #"{"id":"w1","extra":{"nested":[1,true,false,null,"x",{"a":[]}]},"group":"g","event":"started","more":-0.0}"#,
            #"{"id":"é","group":"g","event":"started","message":"e\u0301 and é"}"#,
            #"{"ttl":0.0e-400,"metrics":{"tiny":1e-320,"zero":-0.000e-9999,"more":0.0e5}}"#,
            "{}",
        ]
        for body in bodies {
            let read = EventPayloadReader.payload(in: Data(body.utf8))
            #expect(read != nil, "declined \(body)")
            #expect(read == decoded(body), "\(body)")
            #expect(read?.message.map { Array($0.unicodeScalars) } == decoded(body)?.message.map { Array($0.unicodeScalars) })
        }
    }

    @Test("declines what it does not read exactly as JSONDecoder does")
    func declines() {
        let bodies = [
            #"{"id":"a","id":"b"}"#,  // a repeated field (JSONDecoder keeps the first)
            #"{"i\u0064":"a"}"#,  // an escape in a key
            #"{"labels":{"k":"1","k":"2"}}"#,
            #"{"pid":1.0}"#, #"{"exit_code":1e2}"#, #"{"pid":99999999999999999999}"#,
            #"{"ttl":1e400}"#, #"{"ttl":2e-324}"#, #"{"metrics":{"m":-0.5e-400}}"#, #"{"ttl":0e5}"#, #"{"ttl":-0E-1}"#,
            #"{"ttl":01}"#, #"{"ttl":.5}"#, #"{"ttl":1.}"#, #"{"ttl":+1}"#,
            #"{"message":"\ud800"}"#, #"{"message":"\x"}"#, "{\"message\":\"a\tb\"}",
            #"{"id":"a",}"#, #"{"id":"a"} x"#, #"[{"id":"a"}]"#, "\u{FEFF}{}", #"{"id":"a""#, "",
            #"{"labels":{"k":1}}"#, #"{"metrics":{"m":"1"}}"#, #"{"at":true}"#, #"{"id":1}"#,
        ]
        for body in bodies {
            #expect(EventPayloadReader.payload(in: Data(body.utf8)) == nil, "read \(body)")
        }
        #expect(EventPayloadReader.payload(in: Data([0x7B, 0x22, 0x69, 0x64, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D])) == nil, "invalid UTF-8")
    }

    @Test("reads generated events and arrays of them as JSONDecoder does")
    func generatedEvents() throws {
        var random = SplitMix64(seed: 20_261_207)
        var events: [String] = []
        for _ in 0..<2_000 {
            let event = Self.randomEvent(&random)
            let read = EventPayloadReader.payload(in: Data(event.utf8))
            #expect(read != nil && read == decoded(event), "\(event)")
            events.append(event)
        }
        for size in [0, 1, 7, 500] {
            let array = "[" + events.prefix(size).joined(separator: ", ") + "]"
            let read = EventPayloadReader.payloads(inArray: Data(array.utf8), limit: 500)
            #expect(read == (try JSONDecoder().decode([EventPayload].self, from: Data(array.utf8))))
        }
        #expect(EventPayloadReader.payloads(inArray: Data(("[" + events.prefix(501).joined(separator: ",") + "]").utf8), limit: 500) == nil)
    }

    private static func randomEvent(_ random: inout SplitMix64) -> String {
        let texts = ["w", "product.importer", "ünïcödé", #"quote \" backslash \\ slash \/"#, #"\u00e9\ud83d\ude00\n"#, "", "  spaced  "]
        let numbers = ["0", "-0", "30", "1800000000.125", "1e3", "-2.5E-3", "123456789012345678", "0.1"]
        let kinds = ["started", "heartbeat", "stopped", "error", "message"]
        func text() -> String { texts[random.below(texts.count)] }
        func number() -> String { numbers[random.below(numbers.count)] }
        var fields: [String] = [#""id":"w\#(random.below(1_000_000))""#, #""group":"team.\#(random.below(100))""#]
        fields.append(#""event":"\#(kinds[random.below(kinds.count)])""#)
        let at = random.below(2) == 0 ? number() : #""now""#
        let optional: [String] = [
            #""at":\#(at)"#, #""ttl":\#(number())"#, #""message":"\#(text())""#, #""action":"\#(text())""#,
            #""host":"\#(text())""#, #""version":null"#, #""pid":\#(random.below(100_000))"#, #""exit_code":-\#(random.below(256))"#,
            #""labels":{"a":"\#(text())","b.c":"x"}"#, #""metrics":{"rows_total":\#(number()),"lag":\#(number())}"#,
            #""unknown":[{"x":\#(number())},"y",null,true]"#,
        ]
        fields += optional.filter { _ in random.below(2) == 0 }
        fields.shuffle(using: &random)
        let space = [" ", "", "\n", "\t", "\r\n "]
        return "{" + fields.map { space[random.below(space.count)] + $0 + space[random.below(space.count)] }.joined(separator: ",") + "}"
    }
}
