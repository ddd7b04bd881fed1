import Foundation

/// Formats times as RFC 3339 in UTC with milliseconds (`2026-11-29T07:12:47.123Z`), the form every answer uses.
public enum RFC3339 {
    /// Reads a timestamp in RFC 3339 form; `nil` when it is not one.
    public static func parse(_ text: String) -> Date? {
        EventTime.parseRFC3339(text)
    }

    /// The text form of `date`, cut (not rounded) to the millisecond.
    ///
    /// The fraction of a second is taken apart from the whole seconds (both exact in a `Double`) and rounded
    /// to the microsecond first: a time read from text with milliseconds is often stored a hair below its
    /// millisecond, and would otherwise be written back one millisecond early.
    public static func format(_ date: Date) -> String {
        let sinceReference = date.timeIntervalSinceReferenceDate
        let wholeSeconds = sinceReference.rounded(.down)
        let microseconds = Int64(((sinceReference - wholeSeconds) * 1_000_000).rounded())
        let milliseconds = (Int64(wholeSeconds) + referenceDateSince1970) * 1000 + microseconds / 1000
        let (days, dayMilliseconds) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let (adjustedDays, msOfDay) = dayMilliseconds < 0 ? (days - 1, dayMilliseconds + 86_400_000) : (days, dayMilliseconds)
        let (year, month, day) = civilDate(daysSinceEpoch: adjustedDays)
        let hour = msOfDay / 3_600_000
        let minute = msOfDay / 60_000 % 60
        let second = msOfDay / 1000 % 60
        let millisecond = msOfDay % 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millisecond, 3))Z"
    }

    /// 2001-01-01T00:00:00Z, `Date`'s reference date, in Unix seconds.
    static let referenceDateSince1970: Int64 = 978_307_200

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Howard Hinnant's civil_from_days.
    private static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
