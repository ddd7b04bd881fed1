import Foundation
import Registry
import Testing

@Suite("Event times")
struct EventTimeTests {
    /// 1_800_000_000 is 2027-01-15T08:00:00Z.
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("\"now\" is the receive time")
    func nowIsReceiveTime() throws {
        #expect(try EventTime.parse("now", now: now) == now)
    }

    @Test("RFC 3339 and Unix seconds", arguments: [
        ("2027-01-15T08:00:00Z", 1_800_000_000.0),
        ("2027-01-15T08:00:00.250Z", 1_800_000_000.25),
        ("2027-01-15T09:30:00+01:30", 1_800_000_000),
        ("2027-01-15T03:00:00-05:00", 1_800_000_000),
        ("2027-01-15t08:00:00z", 1_800_000_000),
        ("2027-01-15 08:00:00Z", 1_800_000_000),
        ("2024-02-29T00:00:00Z", 1_709_164_800),
        ("1800000000", 1_800_000_000),
        ("1799999999.5", 1_799_999_999.5),
    ])
    func parses(_ text: String, _ expected: Double) throws {
        let date = try EventTime.parse(text, now: now)
        #expect(abs(date.timeIntervalSince1970 - expected) < 0.000_1)
    }

    @Test("text that is not a time names the field", arguments: [
        "yesterday", "", "2027-13-01T00:00:00Z", "2027-02-29T00:00:00Z", "2027-01-15T08:00:00",
        "2027-01-15T08:00:00Zjunk", "2027-01-15T24:00:00Z", "1e9", "-5", "2027-1-15T08:00:00Z",
    ])
    func rejects(_ text: String) {
        #expect(throws: EventValidationError.self) { try EventTime.parse(text, now: now) }
        do {
            _ = try EventTime.parse(text, now: now)
        } catch {
            #expect(error.field == "at")
        }
    }

    @Test("milliseconds and far-future times are refused with a reason")
    func rejectsImplausibleTimes() {
        #expect(throws: EventValidationError(field: "at", message: "is more than 24 hours ahead of the server's clock")) {
            try EventTime.fromUnix(1_800_000_000_000, now: now)
        }
        #expect(throws: EventValidationError.self) { try EventTime.fromUnix(86_400, now: now) }
        #expect(throws: EventValidationError.self) { try EventTime.fromUnix(.nan, now: now) }
    }

    @Test("formats as RFC 3339 in UTC with milliseconds, and reads its own output back")
    func formatsAndRoundTrips() throws {
        #expect(RFC3339.format(now) == "2027-01-15T08:00:00.000Z")
        let odd = Date(timeIntervalSince1970: 1_709_164_799.987)
        #expect(RFC3339.format(odd) == "2024-02-28T23:59:59.987Z")
        let back = try EventTime.parse(RFC3339.format(odd), now: now)
        #expect(abs(back.timeIntervalSince(odd)) < 0.001)
    }
}
