import Foundation

/// What docs/api.md says an `at` means, written again from the text and independently of `EventTime`:
/// `"now"`, decimal Unix seconds, or `YYYY-MM-DD(T|t| )HH:MM:SS(.fraction)?(Z|z|±HH:MM)`, dated with
/// Foundation's Gregorian calendar rather than the parser's own day arithmetic.
enum TimeSpec {
    /// What the server must do with an `at`.
    enum Verdict: Equatable {
        /// Accept it as (about) this instant.
        case accept(Date)
        /// Refuse it, naming the field `at`.
        case reject
        /// Within ``tolerance`` of the earliest or latest accepted time: either answer is right.
        case borderline
    }

    /// Earliest accepted time, 2000-01-01T00:00:00Z.
    static let earliest = Date(timeIntervalSince1970: 946_684_800)
    /// How far ahead of the server's clock an `at` may be.
    static let maxSkew = 86_400.0
    /// The largest difference between two computations of one instant that still counts as equal.
    static let tolerance = 0.000_01

    /// The verdict on a textual `at` received at `now`.
    static func verdict(text: String, now: Date) -> Verdict {
        if text == "now" { return .accept(now) }
        if let seconds = unixSeconds(text) { return verdict(seconds: seconds, now: now) }
        switch instant(rfc3339: text) {
        case .date(let date): return verdict(date: date, now: now)
        case .beforeCalendar, nil: return .reject
        }
    }

    /// The verdict on a numeric `at` (Unix seconds) received at `now`.
    static func verdict(seconds: Double, now: Date) -> Verdict {
        guard seconds.isFinite else { return .reject }
        return verdict(date: Date(timeIntervalSince1970: seconds), now: now)
    }

    private static func verdict(date: Date, now: Date) -> Verdict {
        let late = date.timeIntervalSince(now) - maxSkew
        let early = earliest.timeIntervalSince(date)
        if abs(late) < tolerance || abs(early) < tolerance { return .borderline }
        return late > 0 || early > 0 ? .reject : .accept(date)
    }

    /// Decimal Unix seconds: digits with at most one dot, and at least one digit.
    static func unixSeconds(_ text: String) -> Double? {
        let scalars = text.unicodeScalars
        let dots = scalars.filter { $0 == "." }.count
        guard dots <= 1, scalars.contains(where: isDigit), scalars.allSatisfy({ isDigit($0) || $0 == "." }) else {
            return nil
        }
        return Double(text)
    }

    /// What a well-formed RFC 3339 timestamp names.
    enum Reading: Equatable {
        /// This instant.
        case date(Date)
        /// A date before 1600, where Foundation's calendar counts Julian days; refused as an `at` either way.
        case beforeCalendar
    }

    /// The instant an RFC 3339 timestamp names, or `nil` when `text` is not one.
    static func instant(rfc3339 text: String) -> Reading? {
        let scalars = Array(text.unicodeScalars)
        let template = Array("0000-00-00T00:00:00".unicodeScalars)
        guard scalars.count >= template.count else { return nil }
        for (scalar, expected) in zip(scalars, template) {
            switch expected {
            case "0": guard isDigit(scalar) else { return nil }
            case "T": guard scalar == "T" || scalar == "t" || scalar == " " else { return nil }
            default: guard scalar == expected else { return nil }
            }
        }
        func number(_ range: Range<Int>) -> Int { Int(String(String.UnicodeScalarView(scalars[range])))! }
        let (year, month, day) = (number(0..<4), number(5..<7), number(8..<10))
        let (hour, minute, second) = (number(11..<13), number(14..<16), number(17..<19))
        var rest = Array(scalars[19...])
        var fraction = 0.0
        if rest.first == "." {
            let digits = rest.dropFirst().prefix(while: isDigit)
            guard !digits.isEmpty else { return nil }
            fraction = Double("0." + String(String.UnicodeScalarView(digits)))!
            rest = Array(rest.dropFirst(1 + digits.count))
        }
        let offset: Int
        if rest == ["Z"] || rest == ["z"] {
            offset = 0
        } else if rest.count == 6, rest[0] == "+" || rest[0] == "-", rest[3] == ":",
            [1, 2, 4, 5].allSatisfy({ isDigit(rest[$0]) })
        {
            let hours = Int(String(String.UnicodeScalarView(rest[1...2])))!
            let minutes = Int(String(String.UnicodeScalarView(rest[4...5])))!
            guard hours < 24, minutes < 60 else { return nil }
            offset = (rest[0] == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        guard (1...12).contains(month), day >= 1, hour < 24, minute < 60, second <= 60 else { return nil }
        if year < 1600 {
            return isValidDay(year: year, month: month, day: day, julianSafe: false) ? .beforeCalendar : nil
        }
        guard isValidDay(year: year, month: month, day: day, julianSafe: true) else { return nil }
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: min(second, 59))
        guard let date = calendar.date(from: components) else { return nil }
        return .date(date.addingTimeInterval(fraction - Double(offset)))
    }

    /// Whether the date exists; for years before 1600 only the proleptic Gregorian rule is applied by hand.
    private static func isValidDay(year: Int, month: Int, day: Int, julianSafe: Bool) -> Bool {
        if julianSafe {
            let components = DateComponents(year: year, month: month, day: day, hour: 12)
            guard let date = calendar.date(from: components) else { return false }
            let back = calendar.dateComponents([.year, .month, .day], from: date)
            return back.year == year && back.month == month && back.day == day
        }
        let leap = year % 400 == 0 || (year % 4 == 0 && year % 100 != 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar)
    }
}
