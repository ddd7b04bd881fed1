import Foundation

/// Parses the `at` of an event: `"now"`, an RFC 3339 timestamp, or Unix seconds.
public enum EventTime {
    /// Earliest accepted time (2000-01-01T00:00:00Z); anything older is almost surely a unit mistake.
    public static let earliest = Date(timeIntervalSince1970: 946_684_800)

    /// Reads a textual `at`: `now`, RFC 3339 (`2026-11-29T07:12:47.5Z`, `+01:00` offsets) or decimal Unix seconds.
    public static func parse(_ text: String, now: Date) throws(EventValidationError) -> Date {
        if text == "now" { return now }
        if let seconds = Double(text), text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) {
            return try fromUnix(seconds, now: now)
        }
        guard let date = parseRFC3339(text) else {
            throw EventValidationError(
                field: "at", message: "is not a time: expected \"now\", an RFC 3339 timestamp or Unix seconds")
        }
        return try checked(date, now: now)
    }

    /// Reads a numeric `at` in Unix seconds.
    public static func fromUnix(_ seconds: Double, now: Date) throws(EventValidationError) -> Date {
        guard seconds.isFinite else { throw EventValidationError(field: "at", message: "is not a finite number") }
        return try checked(Date(timeIntervalSince1970: seconds), now: now)
    }

    private static func checked(_ date: Date, now: Date) throws(EventValidationError) -> Date {
        if date < earliest {
            throw EventValidationError(field: "at", message: "is before 2000-01-01; Unix seconds are expected, not milliseconds or days")
        }
        if date.timeIntervalSince(now) > Limits.maxClockSkew {
            throw EventValidationError(field: "at", message: "is more than 24 hours ahead of the server's clock")
        }
        return date
    }

    /// Parses `YYYY-MM-DD(T|t| )HH:MM:SS(.fraction)?(Z|z|±HH:MM)`; returns `nil` for anything else.
    static func parseRFC3339(_ text: String) -> Date? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2), scanner.skip(anyOf: "Tt "),
            let hour = scanner.number(digits: 2), scanner.skip(":"),
            let minute = scanner.number(digits: 2), scanner.skip(":"),
            let second = scanner.number(digits: 2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction = 0.0
        if scanner.skip(".") {
            guard let digits = scanner.fractionDigits() else { return nil }
            fraction = digits
        }
        var offset = 0
        if scanner.skip(anyOf: "Zz") {
            offset = 0
        } else if let sign = scanner.sign(), let offsetHours = scanner.number(digits: 2), scanner.skip(":"),
            let offsetMinutes = scanner.number(digits: 2), offsetHours < 24, offsetMinutes < 60
        {
            offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard scanner.atEnd else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset
        // Counted from `Date`'s own reference date, so that the only rounding is that of adding the fraction.
        return Date(timeIntervalSinceReferenceDate: Double(seconds - Int(RFC3339.referenceDateSince1970)) + fraction)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// Reads fixed-width ASCII fields off a timestamp.
private struct DigitScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func number(digits: Int) -> Int? {
        guard index + digits <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + digits] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += digits
        return value
    }

    mutating func fractionDigits() -> Double? {
        var value = 0.0
        var scale = 0.1
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            value += Double(bytes[index] - UInt8(ascii: "0")) * scale
            scale /= 10
            index += 1
        }
        return index > start ? value : nil
    }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        skip(anyOf: String(character))
    }

    mutating func skip(anyOf characters: String) -> Bool {
        guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
        index += 1
        return true
    }

    mutating func sign() -> Int? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}
