import Foundation
import Registry
import Testing

/// The decoder's side of the limits in docs/api.md ("Limits"); WebTests' WriteLimitTests checks each through
/// the routes, at the limit and one over.
@Suite("Event limits")
struct EventLimitTests {
    let decoder = EventDecoder()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func decode(_ json: String) throws(EventValidationError) -> WorkerEvent {
        try decoder.decodeEvent(from: Data(json.utf8), receivedAt: now)
    }

    @Test("the limits are the numbers docs/api.md gives")
    func documentedNumbers() {
        #expect(Limits.idLength == 200)
        #expect(Limits.groupLength == 255)
        #expect(Limits.groupSegmentLength == 64)
        #expect(Limits.groupDepth == 16)
        #expect(Limits.messageLength == 4096)
        #expect(Limits.truncationMarker == "… [truncated]")
        #expect(Limits.shortTextLength == 255)
        #expect(Limits.labelCount == 32)
        #expect(Limits.labelKeyLength == 64)
        #expect(Limits.labelValueLength == 256)
        #expect(Limits.maxTTL == 31_536_000)
        #expect(Limits.maxClockSkew == 86_400)
        #expect(Limits.batchLength == 10_000)
    }

    @Test("lengths count code points: 200 of them in an id, however they combine")
    func codePoints() throws {
        let combined = String(repeating: "e\u{301}", count: 100)
        #expect(try decode(#"{"id":"\#(combined)","group":"g","event":"started"}"#).id == combined)
        #expect(throws: EventValidationError(field: "id", message: "is longer than 200 characters")) {
            try decode(#"{"id":"\#(combined)e","group":"g","event":"started"}"#)
        }
    }

    @Test("a message of 4096 characters is kept whole; longer ones are cut to 4096 ending with the marker")
    func messageTruncation() throws {
        func kept(_ message: String) throws -> String {
            try #require(try decode(#"{"id":"w","group":"g","event":"error","message":"\#(message)"}"#).message)
        }
        let atLimit = String(repeating: "m", count: 4096)
        #expect(try kept(atLimit) == atLimit)
        for message in [atLimit + "m", String(repeating: "👍🏽", count: 3000), String(repeating: "\u{600}x", count: 2049)] {
            let cut = try kept(message)
            #expect(cut.unicodeScalars.count == 4096)
            #expect(cut.unicodeScalars.reversed().starts(with: Limits.truncationMarker.unicodeScalars.reversed()))
            #expect(message.unicodeScalars.starts(with: cut.unicodeScalars.dropLast(Limits.truncationMarker.unicodeScalars.count)))
        }
    }

    @Test("a batch of 10,000 events is read; 10,001 are refused whole, naming the body")
    func batchLength() throws {
        let line = #"{"id":"a","group":"g","event":"heartbeat"}"#
        let atLimit = try decoder.decodeBatch(from: Data(Array(repeating: line, count: 10_000).joined(separator: "\n").utf8), receivedAt: now)
        #expect(atLimit.count == 10_000)
        let array = try decoder.decodeBatch(from: Data(("[" + Array(repeating: line, count: 10_000).joined(separator: ",") + "]").utf8), receivedAt: now)
        #expect(array.count == 10_000)
        let tooMany = EventValidationError(field: "body", message: "has more than 10000 events, the most one request may carry")
        #expect(throws: tooMany) {
            try decoder.decodeBatch(from: Data(Array(repeating: line, count: 10_001).joined(separator: "\n").utf8), receivedAt: now)
        }
        #expect(throws: tooMany) {
            try decoder.decodeBatch(from: Data(("[" + Array(repeating: line, count: 10_001).joined(separator: ",") + "]").utf8), receivedAt: now)
        }
        // Counted before anything is decoded: what follows the 10,001st element is never read.
        #expect(throws: tooMany) {
            try decoder.decodeBatch(from: Data(("[" + String(repeating: "1,", count: 10_001) + "not JSON at all").utf8), receivedAt: now)
        }
    }
}
