import Foundation

/// A five-field cron expression, `minute hour day-of-month month day-of-week`, as Vixie cron and cronie read it.
///
/// Each field is `*`, a number, a range `1-5`, a step over `*` or a range (`*/15`, `10-50/10`), or a
/// comma-separated list of those. Months may be named `jan`-`dec` and days `sun`-`sat`, in any case;
/// day-of-week 0 and 7 are both Sunday. When both day fields are restricted (neither starts with `*`),
/// a day matches if *either* matches: `0 0 1,15 * mon` fires on the 1st, the 15th and every Monday.
/// The macros `@hourly`, `@daily` (`@midnight`), `@weekly`, `@monthly` and `@yearly` (`@annually`)
/// stand for `0 * * * *`, `0 0 * * *`, `0 0 * * 0`, `0 0 1 * *` and `0 0 1 1 *`.
///
/// Fire times are local times of a time zone, on the Gregorian calendar. Across a daylight-saving
/// change they follow cronie, which tells *wildcard* jobs (the minute or the hour field starts with `*`)
/// from *fixed-time* jobs (all others):
/// - When clocks jump forward, a fixed-time job whose time falls in the skipped hour fires once, at the
///   first instant after the jump: `30 2 * * *` in Europe/Paris fires at 03:00 CEST on 2026-03-29.
///   A wildcard job skips the times that do not exist: `30 * * * *` fires at 01:30 CET, then 03:30 CEST.
/// - When clocks fall back, a fixed-time job whose time comes twice fires at the first occurrence only:
///   `30 2 * * *` fires at 02:30 CEST on 2026-10-25, not again at 02:30 CET. A wildcard job fires in both
///   occurrences, so `*/15 * * * *` keeps firing every 15 minutes of elapsed time.
///
/// Searches look about five years ahead (or back); an expression that fires in none of them, like
/// `0 0 30 2 *`, has no next or previous fire time.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    /// The expression as given, its fields separated by single spaces.
    public let text: String
    /// The minutes of the day (hour × 60 + minute) at which it fires, ascending.
    let minutesOfDay: [Int]
    /// Bit `n` set for each day of the month `n` that matches.
    let daysOfMonth: UInt64
    /// Bit `n` set for each month `n` (1-12) that matches.
    let months: UInt64
    /// Bit `n` set for each weekday `n` (0 is Sunday) that matches.
    let daysOfWeek: UInt64
    /// Both day fields are restricted, so a day matching either matches.
    let eitherDayMatches: Bool
    /// The minute or the hour field starts with `*`: cronie's wildcard job, which skips times that
    /// do not exist and repeats in times that come twice.
    let isWildcard: Bool

    private static let macros = [
        "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
    ]

    /// Reads `text`: five fields separated by blanks, or one of the macros.
    public init(parsing text: String) throws(ScheduleError) {
        let words = text.split(whereSeparator: \.isWhitespace)
        self.text = words.joined(separator: " ")
        var fields = words
        if words.count == 1, words[0].hasPrefix("@") {
            guard let expansion = Self.macros[words[0].lowercased()] else {
                throw ScheduleError(
                    "unknown macro '\(words[0])': expected @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually")
            }
            fields = expansion.split(separator: " ")
        }
        guard fields.count == 5 else {
            throw ScheduleError(
                "expected 5 fields (minute hour day-of-month month day-of-week), got \(fields.count) in '\(self.text)'")
        }
        let minutes = try CronField.minute.parse(fields[0])
        let hours = try CronField.hour.parse(fields[1])
        daysOfMonth = try CronField.dayOfMonth.parse(fields[2])
        months = try CronField.month.parse(fields[3])
        let weekdays = try CronField.dayOfWeek.parse(fields[4])
        daysOfWeek = (weekdays & 0x7F) | (weekdays >> 7)
        eitherDayMatches = !fields[2].hasPrefix("*") && !fields[4].hasPrefix("*")
        isWildcard = fields[0].hasPrefix("*") || fields[1].hasPrefix("*")
        minutesOfDay = (0..<24).filter { hours >> $0 & 1 == 1 }.flatMap { hour in
            (0..<60).filter { minutes >> $0 & 1 == 1 }.map { hour * 60 + $0 }
        }
    }

    public var description: String { text }

    /// Whether the expression fires in the month of `day`.
    func matchesMonth(of day: CivilDay) -> Bool {
        months >> day.month & 1 == 1
    }

    /// Whether the expression fires on `day`.
    func matches(_ day: CivilDay) -> Bool {
        guard matchesMonth(of: day) else { return false }
        let dayOfMonth = daysOfMonth >> day.day & 1 == 1
        let dayOfWeek = daysOfWeek >> day.weekday & 1 == 1
        return eitherDayMatches ? dayOfMonth || dayOfWeek : dayOfMonth && dayOfWeek
    }
}
