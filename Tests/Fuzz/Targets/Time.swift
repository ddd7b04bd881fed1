import Foundation

/// libFuzzer's entry point for the `at` parser (`scripts/fuzz.sh time`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTime(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let buffer = UnsafeBufferPointer(start: bytes, count: bytes == nil ? 0 : count)
    TimeTarget.run(String(decoding: buffer, as: UTF8.self))
    return 0
}

/// Reads one input as a textual `at`, as a numeric one, and as a bare RFC 3339 timestamp,
/// and checks each answer against ``TimeSpec``.
enum TimeTarget {
    static func run(_ text: String) {
        checkText(text)
        if let seconds = Double(text) { checkSeconds(seconds) }
        checkRFC3339(text)
    }

    /// `EventTime.parse`: the verdict of the spec, and an accepted time survives formatting.
    private static func checkText(_ text: String) {
        let verdict = TimeSpec.verdict(text: text, now: fuzzNow)
        do throws(EventValidationError) {
            let date = try EventTime.parse(text, now: fuzzNow)
            guard case .accept(let expected) = verdict else {
                return require(verdict == .borderline, "accepted \(shown(text)) as \(date)")
            }
            require(abs(date.timeIntervalSince(expected)) <= TimeSpec.tolerance, "read \(shown(text)) as \(date), not \(expected)")
            checkRoundTrip(date)
        } catch {
            checkError(error)
            if case .accept = verdict { require(false, "refused \(shown(text)): \(error)") }
        }
    }

    /// `EventTime.fromUnix`, the numeric `at`: finite times in range are taken as they are.
    private static func checkSeconds(_ seconds: Double) {
        let verdict = TimeSpec.verdict(seconds: seconds, now: fuzzNow)
        do throws(EventValidationError) {
            let date = try EventTime.fromUnix(seconds, now: fuzzNow)
            require(verdict != .reject, "accepted \(seconds)")
            require(abs(date.timeIntervalSince1970 - seconds) <= TimeSpec.tolerance, "read \(seconds) as \(date)")
            checkRoundTrip(date)
        } catch {
            checkError(error)
            if case .accept = verdict { require(false, "refused \(seconds): \(error)") }
        }
    }

    /// `RFC3339.parse` without the range check: the spec's instant (from 1600 on), `nil` for anything else,
    /// and the server's own format (`YYYY-MM-DDTHH:MM:SS.mmmZ`) reads back to the very same text (a leap second
    /// aside) in the years a server will see; far from 2001 a `Date` no longer holds every millisecond.
    private static func checkRFC3339(_ text: String) {
        let parsed = RFC3339.parse(text)
        let expected = TimeSpec.instant(rfc3339: text)
        require((parsed == nil) == (expected == nil), "RFC3339.parse(\(shown(text))) is \(shown(parsed)), the spec says \(shown(expected))")
        guard let parsed else { return }
        if case .date(let date) = expected {
            require(abs(parsed.timeIntervalSince(date)) <= 0.000_1, "RFC3339.parse(\(shown(text))) is \(parsed), not \(date)")
        }
        if isServerFormat(text), !text.contains(":60."), let year = Int(text.prefix(4)), (1900..<2200).contains(year) {
            require(RFC3339.format(parsed) == text, "\(shown(text)) formats back as \(RFC3339.format(parsed))")
        }
    }

    /// A time the server accepted is written with milliseconds and reads back as the same millisecond.
    private static func checkRoundTrip(_ date: Date) {
        let text = RFC3339.format(date)
        require(isServerFormat(text), "formatted as \(shown(text))")
        do throws(EventValidationError) {
            let back = try EventTime.parse(text, now: fuzzNow)
            require(date.timeIntervalSince(back) >= -TimeSpec.tolerance && date.timeIntervalSince(back) < 0.001, "\(date) -> \(text) -> \(back)")
            require(RFC3339.format(back) == text, "\(text) formats back as \(RFC3339.format(back))")
        } catch {
            require(false, "the server's own \(text) is refused: \(error)")
        }
    }

    private static func checkError(_ error: EventValidationError) {
        require(error.field == "at", "a time error names \(shown(error.field))")
        require(!error.message.isEmpty, "a time error without a message")
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` exactly.
    private static func isServerFormat(_ text: String) -> Bool {
        let template = Array("0000-00-00T00:00:00.000Z".utf8)
        let bytes = Array(text.utf8)
        return bytes.count == template.count
            && zip(bytes, template).allSatisfy { byte, expected in
                expected == UInt8(ascii: "0") ? (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) : byte == expected
            }
    }
}
