import Foundation
import Registry
import Testing

/// Inputs `scripts/fuzz.sh` found wrong; each is also in Tests/Fuzz/corpus, so the fuzzer replays it first.
@Suite("Fuzzer findings")
struct FuzzRegressionTests {
    let decoder = EventDecoder()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func single(_ json: String) -> EventDecoder.BatchItem {
        Result { () throws(EventValidationError) in try decoder.decodeEvent(from: Data(json.utf8), receivedAt: now) }
    }

    @Test("an event with a repeated key reads the same alone and in a JSON array")
    func repeatedKeys() throws {
        // Arrays were split with JSONSerialization, which keeps a repeated key's last value; JSONDecoder keeps the first.
        let json = #"{"id":"first","id":"second","group":"g","event":"started","labels":{"k":"1","k":"2"}}"#
        let items = try decoder.decodeBatch(from: Data("[\(json)]".utf8), receivedAt: now)
        #expect(items == [single(json)])
        #expect(try items.first?.get().id == "first")
    }

    @Test("an object whose repeated key holds a short \\u escape reads the same alone and in a JSON array")
    func shortEscapeUnderRepeatedKey() throws {
        // JSONDecoder takes the four bytes after `\u` whatever they are, and never decodes a repeated key's value:
        // the batch splitter took a backslash-quote among those four as an escaped quote, and miscounted the array.
        let json = #"{"id":"w","group":"g","event":"started","host":"a","host":"x\u015\"}"#
        #expect(try single(json).get().host == "a")
        #expect(try decoder.decodeBatch(from: Data("[\(json),\(json)]".utf8), receivedAt: now) == [single(json), single(json)])
    }

    @Test("a number JSONDecoder refuses is refused, not read as 0: one that rounds to zero, a bare 0 with an exponent",
          arguments: ["21e-400", "0e5"])
    func numbersReadAsZero(number: String) throws {
        let json = #"{"id":"w","group":"g","event":"heartbeat","metrics":{"m":\#(number)}}"#
        #expect(throws: EventValidationError.self) { try decoder.decodeEvent(from: Data(json.utf8), receivedAt: now) }
        #expect(try decoder.decodeBatch(from: Data("\(json)\n\(json)".utf8), receivedAt: now) == [single(json), single(json)])
    }

    @Test("a batch with a UTF-8 byte order mark reads like one without")
    func byteOrderMark() throws {
        let event = #"{"id":"a","group":"g","event":"started"}"#
        for body in ["[\(event), \(event)]", "\(event)\n\(event)"] {
            let withMark = try decoder.decodeBatch(from: Data([0xEF, 0xBB, 0xBF]) + Data(body.utf8), receivedAt: now)
            #expect(withMark == [single(event), single(event)])
        }
    }

    @Test("U+0000 followed by a combining mark becomes U+FFFD too")
    func nulBeforeCombiningMark() throws {
        let event = try decoder.decodeEvent(
            from: Data(#"{"id":"w","group":"g","event":"error","message":"a\u0000\u0301","host":"\u0000\u0301","labels":{"k":"\u0000\u0301"}}"#.utf8),
            receivedAt: now)
        let expected = "\u{FFFD}\u{301}"
        #expect(event.message.map { Array($0.unicodeScalars) } == Array(("a" + expected).unicodeScalars))
        #expect(event.host.map { Array($0.unicodeScalars) } == Array(expected.unicodeScalars))
        #expect(event.labels?["k"].map { Array($0.unicodeScalars) } == Array(expected.unicodeScalars))
    }

    @Test("of several labels too long, the first in key order is named, every time")
    func labelOrder() {
        let long = String(repeating: "v", count: 257)
        let labels = (0..<20).map { #""k\#($0)":"\#(long)""# }.joined(separator: ",")
        let json = #"{"id":"w","group":"g","event":"started","labels":{\#(labels)}}"#
        for _ in 0..<20 {
            #expect(throws: EventValidationError(field: "labels.k0", message: "is longer than 256 characters")) {
                try decoder.decodeEvent(from: Data(json.utf8), receivedAt: now)
            }
        }
    }

    @Test("a glob character, space or dot is seen even when a neighbouring code point joins it into one character",
        arguments: [
            (#"{"id":"a*\u0301","group":"g","event":"started"}"#, "id"),
            (#"{"id":"a\u0600 ","group":"g","event":"started"}"#, "id"),
            (#"{"id":"w","group":"g?\u0301.h","event":"started"}"#, "group"),
            (#"{"id":"w","group":"a.\u0301b","event":"started"}"#, "group"),
            (#"{"id":"w","group":"a.b.\u0301c.d.e.f.g.h.i.j.k.l.m.n.o.p.q","event":"started"}"#, "group"),
        ])
    func joinedCharacters(_ json: String, _ field: String) {
        let error = #expect(throws: EventValidationError.self) { try decoder.decodeEvent(from: Data(json.utf8), receivedAt: now) }
        #expect(error?.field == field)
    }

    @Test("a timestamp with milliseconds is written back with the same milliseconds")
    func millisecondsRoundTrip() throws {
        #expect(RFC3339.parse("2004-01-16T08:00:00.001Z").map(RFC3339.format) == "2004-01-16T08:00:00.001Z")
        for second in ["2004-01-16T08:00:00", "2027-01-15T07:59:59", "2099-12-31T23:59:59"] {
            for millisecond in 0..<1000 {
                let text = second + "." + String(1000 + millisecond).dropFirst() + "Z"
                #expect(RFC3339.parse(text).map(RFC3339.format) == text)
            }
        }
    }
}
