import Foundation
import Registry
import Testing

@Suite("Cron expressions")
struct CronExpressionTests {
    /// The first `count` fire times after `start`, each found from the one before.
    func fireTimes(_ text: String, after start: String, count: Int, in identifier: String = "UTC") throws -> [Date] {
        let expression = try CronExpression(parsing: text)
        let timeZone = try zone(identifier)
        var times: [Date] = []
        var last = try utc(start)
        for _ in 0..<count {
            let next = try #require(expression.next(after: last, in: timeZone))
            times.append(next)
            last = next
        }
        return times
    }

    /// The latest `count` fire times at or before `end`, newest first, each found from just before the one after it.
    func previousTimes(_ text: String, atOrBefore end: String, count: Int, in identifier: String = "UTC") throws -> [Date] {
        let expression = try CronExpression(parsing: text)
        let timeZone = try zone(identifier)
        var times: [Date] = []
        var last = try utc(end)
        for _ in 0..<count {
            let previous = try #require(expression.previous(atOrBefore: last, in: timeZone))
            times.append(previous)
            last = previous.addingTimeInterval(-1)
        }
        return times
    }

    // MARK: Parsing

    @Test("the text is kept as given, with its blanks normalised")
    func normalisesText() throws {
        #expect(try CronExpression(parsing: "  */15\t 9-17  * *   MON-fri ").text == "*/15 9-17 * * MON-fri")
        #expect(try CronExpression(parsing: " @daily ").text == "@daily")
        #expect(try CronExpression(parsing: "0 2 * * *").description == "0 2 * * *")
    }

    @Test("expressions that are the same text are equal")
    func equality() throws {
        #expect(try CronExpression(parsing: "0 2 * * *") == CronExpression(parsing: "0  2 * * *"))
        #expect(try CronExpression(parsing: "0 2 * * *") != CronExpression(parsing: "0 3 * * *"))
    }

    @Test("a mistake names the field and what is wrong", arguments: [
        ("61 * * * *", "minute field '61': must be 0-59"),
        ("* 24 * * *", "hour field '24': must be 0-23"),
        ("* * 0 * *", "day-of-month field '0': must be 1-31"),
        ("* * 32 * *", "day-of-month field '32': must be 1-31"),
        ("* * * 13 *", "month field '13': must be 1-12"),
        ("* * * 0 *", "month field '0': must be 1-12"),
        ("* * * * 8", "day-of-week field '8': must be 0-7"),
        ("1,61 * * * *", "minute field '1,61': '61' must be 0-59"),
        ("99999999999999999999 * * * *", "minute field '99999999999999999999': must be 0-59"),
        ("jan * * * *", "minute field 'jan': must be a number"),
        ("* * * foo *", "month field 'foo': must be a number or a month name (jan-dec)"),
        ("* * * * mon-funday", "day-of-week field 'mon-funday': 'funday' must be a number or a day name (sun-sat)"),
        ("* * * * monday", "day-of-week field 'monday': must be a number or a day name (sun-sat)"),
        ("*/0 * * * *", "minute field '*/0': step '0' must be a whole number from 1"),
        ("*/x * * * *", "minute field '*/x': step 'x' must be a whole number from 1"),
        ("*/ * * * *", "minute field '*/': step '' must be a whole number from 1"),
        ("5/15 * * * *", "minute field '5/15': steps a single value: write '5-59/15'"),
        ("0 1,3/2 * * *", "hour field '1,3/2': '3/2' steps a single value: write '3-23/2'"),
        ("50-10 * * * *", "minute field '50-10': range '50-10' runs backwards"),
        ("* * * dec-jan *", "month field 'dec-jan': range 'dec-jan' runs backwards"),
        ("1,,2 * * * *", "minute field '1,,2': has an empty list item"),
        ("1, * * * *", "minute field '1,': has an empty list item"),
        ("5- * * * *", "minute field '5-': is not a value or a low-high range"),
        ("-5 * * * *", "minute field '-5': is not a value or a low-high range"),
        ("1-2-3 * * * *", "minute field '1-2-3': is not a value or a low-high range"),
        ("** * * * *", "minute field '**': must be a number"),
        ("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4 in '* * * *'"),
        ("* * * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 6 in '* * * * * *'"),
        ("", "expected 5 fields (minute hour day-of-month month day-of-week), got 0 in ''"),
        ("@reboot", "unknown macro '@reboot': expected @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually"),
    ])
    func rejects(_ text: String, _ message: String) {
        #expect(throws: ScheduleError(message)) { try CronExpression(parsing: text) }
    }

    @Test("the error's description is its message")
    func errorDescription() {
        #expect(ScheduleError("minute field '61': must be 0-59").description == "minute field '61': must be 0-59")
    }

    // MARK: Fields

    @Test("steps over '*' and over a range")
    func steps() throws {
        #expect(try fireTimes("*/15 * * * *", after: "2026-01-01T00:07:30Z", count: 4) == [
            utc("2026-01-01T00:15:00Z"), utc("2026-01-01T00:30:00Z"), utc("2026-01-01T00:45:00Z"),
            utc("2026-01-01T01:00:00Z"),
        ])
        #expect(try fireTimes("10-50/20 * * * *", after: "2026-01-01T00:00:00Z", count: 4) == [
            utc("2026-01-01T00:10:00Z"), utc("2026-01-01T00:30:00Z"), utc("2026-01-01T00:50:00Z"),
            utc("2026-01-01T01:10:00Z"),
        ])
        #expect(try fireTimes("0 */6 * * *", after: "2026-01-01T00:00:00Z", count: 4) == [
            utc("2026-01-01T06:00:00Z"), utc("2026-01-01T12:00:00Z"), utc("2026-01-01T18:00:00Z"),
            utc("2026-01-02T00:00:00Z"),
        ])
    }

    @Test("the next fire time is strictly after, the previous one at or before")
    func boundaries() throws {
        let expression = try CronExpression(parsing: "*/15 * * * *")
        let utcZone = try zone("UTC")
        #expect(expression.next(after: try utc("2026-01-01T00:15:00Z"), in: utcZone) == (try utc("2026-01-01T00:30:00Z")))
        #expect(expression.previous(atOrBefore: try utc("2026-01-01T00:15:00Z"), in: utcZone) == (try utc("2026-01-01T00:15:00Z")))
        #expect(
            expression.previous(atOrBefore: try utc("2026-01-01T00:14:59.5Z"), in: utcZone) == (try utc("2026-01-01T00:00:00Z")))
        #expect(expression.next(after: try utc("2026-01-01T00:14:59.5Z"), in: utcZone) == (try utc("2026-01-01T00:15:00Z")))
    }

    @Test("lists, ranges and names in any case")
    func listsAndNames() throws {
        #expect(try fireTimes("0 9,17 * * *", after: "2026-01-01T10:00:00Z", count: 3) == [
            utc("2026-01-01T17:00:00Z"), utc("2026-01-02T09:00:00Z"), utc("2026-01-02T17:00:00Z"),
        ])
        // 2026-07-03 is a Friday.
        #expect(try fireTimes("30 8 * JUL,aug MON-fri", after: "2026-07-03T12:00:00Z", count: 2) == [
            utc("2026-07-06T08:30:00Z"), utc("2026-07-07T08:30:00Z"),
        ])
        #expect(try fireTimes("0 0 1 Jan-Mar *", after: "2026-02-15T00:00:00Z", count: 2) == [
            utc("2026-03-01T00:00:00Z"), utc("2027-01-01T00:00:00Z"),
        ])
    }

    @Test("day-of-week 0 and 7 are both Sunday")
    func sunday() throws {
        // 2026-06-01 is a Monday.
        #expect(try fireTimes("0 12 * * 7", after: "2026-06-01T00:00:00Z", count: 2) == [
            utc("2026-06-07T12:00:00Z"), utc("2026-06-14T12:00:00Z"),
        ])
        #expect(try fireTimes("0 12 * * 0", after: "2026-06-01T00:00:00Z", count: 1) == [utc("2026-06-07T12:00:00Z")])
        #expect(try fireTimes("0 12 * * 5-7", after: "2026-06-01T00:00:00Z", count: 4) == [
            utc("2026-06-05T12:00:00Z"), utc("2026-06-06T12:00:00Z"), utc("2026-06-07T12:00:00Z"),
            utc("2026-06-12T12:00:00Z"),
        ])
    }

    @Test("when both day fields are restricted, either one matching is enough")
    func eitherDayField() throws {
        // June 2026: Sundays are the 7th, 14th, 21st and 28th; the 10th is a Wednesday.
        #expect(try fireTimes("0 0 10 * sun", after: "2026-06-01T00:00:00Z", count: 7) == [
            utc("2026-06-07T00:00:00Z"), utc("2026-06-10T00:00:00Z"), utc("2026-06-14T00:00:00Z"),
            utc("2026-06-21T00:00:00Z"), utc("2026-06-28T00:00:00Z"), utc("2026-07-05T00:00:00Z"),
            utc("2026-07-10T00:00:00Z"),
        ])
    }

    @Test("a day field starting with '*' leaves the other one to decide alone, as in Vixie cron")
    func starredDayField() throws {
        // Odd days that are Sundays: June 7th and 21st, July 5th.
        #expect(try fireTimes("0 0 */2 * sun", after: "2026-06-01T00:00:00Z", count: 3) == [
            utc("2026-06-07T00:00:00Z"), utc("2026-06-21T00:00:00Z"), utc("2026-07-05T00:00:00Z"),
        ])
        #expect(try fireTimes("0 0 13 * *", after: "2026-06-01T00:00:00Z", count: 2) == [
            utc("2026-06-13T00:00:00Z"), utc("2026-07-13T00:00:00Z"),
        ])
    }

    @Test("the macros", arguments: [
        ("@hourly", "2026-06-01T10:20:00Z", "2026-06-01T11:00:00Z"),
        ("@daily", "2026-06-01T10:20:00Z", "2026-06-02T00:00:00Z"),
        ("@midnight", "2026-06-01T10:20:00Z", "2026-06-02T00:00:00Z"),
        ("@weekly", "2026-06-01T10:20:00Z", "2026-06-07T00:00:00Z"),
        ("@monthly", "2026-06-01T10:20:00Z", "2026-07-01T00:00:00Z"),
        ("@yearly", "2026-06-01T10:20:00Z", "2027-01-01T00:00:00Z"),
        ("@ANNUALLY", "2026-06-01T10:20:00Z", "2027-01-01T00:00:00Z"),
    ])
    func macros(_ text: String, _ after: String, _ expected: String) throws {
        #expect(try fireTimes(text, after: after, count: 1) == [utc(expected)])
    }

    // MARK: Calendar

    @Test("across the end of a month and of a year")
    func monthAndYearEnds() throws {
        #expect(try fireTimes("0 0 1 1 *", after: "2026-12-31T23:59:00Z", count: 2) == [
            utc("2027-01-01T00:00:00Z"), utc("2028-01-01T00:00:00Z"),
        ])
        #expect(try fireTimes("59 23 31 12 *", after: "2026-12-31T23:59:00Z", count: 1) == [utc("2027-12-31T23:59:00Z")])
        // April, June, September and November have no 31st.
        #expect(try fireTimes("0 12 31 * *", after: "2026-03-31T12:00:00Z", count: 3) == [
            utc("2026-05-31T12:00:00Z"), utc("2026-07-31T12:00:00Z"), utc("2026-08-31T12:00:00Z"),
        ])
        #expect(try previousTimes("0 12 31 * *", atOrBefore: "2026-07-01T00:00:00Z", count: 3) == [
            utc("2026-05-31T12:00:00Z"), utc("2026-03-31T12:00:00Z"), utc("2026-01-31T12:00:00Z"),
        ])
        #expect(try previousTimes("0 0 1 * *", atOrBefore: "2027-01-01T00:00:00Z", count: 3) == [
            utc("2027-01-01T00:00:00Z"), utc("2026-12-01T00:00:00Z"), utc("2026-11-01T00:00:00Z"),
        ])
        #expect(try previousTimes("* * * * *", atOrBefore: "2027-01-01T00:00:30Z", count: 2) == [
            utc("2027-01-01T00:00:00Z"), utc("2026-12-31T23:59:00Z"),
        ])
    }

    @Test("the 29th of February comes in leap years only")
    func leapYears() throws {
        #expect(try fireTimes("0 0 29 2 *", after: "2026-01-01T00:00:00Z", count: 2) == [
            utc("2028-02-29T00:00:00Z"), utc("2032-02-29T00:00:00Z"),
        ])
        #expect(try previousTimes("0 0 29 2 *", atOrBefore: "2026-01-01T00:00:00Z", count: 2) == [
            utc("2024-02-29T00:00:00Z"), utc("2020-02-29T00:00:00Z"),
        ])
        // 2000 is a leap year (divisible by 400).
        #expect(try fireTimes("0 0 29 2 *", after: "1999-01-01T00:00:00Z", count: 1) == [utc("2000-02-29T00:00:00Z")])
    }

    @Test("an expression that never fires has no next or previous time", arguments: [
        "0 0 30 2 *", "0 0 31 4,6,9,11 *",
    ])
    func neverFires(_ text: String) throws {
        let expression = try CronExpression(parsing: text)
        #expect(expression.next(after: try utc("2026-01-01T00:00:00Z"), in: try zone("UTC")) == nil)
        #expect(expression.previous(atOrBefore: try utc("2026-01-01T00:00:00Z"), in: try zone("UTC")) == nil)
    }

    @Test("a search gives up after about five years")
    func searchLimit() throws {
        // 2100 is not a leap year, so after 2097 the next 29th of February is in 2104.
        let expression = try CronExpression(parsing: "0 0 29 2 *")
        #expect(expression.next(after: try utc("2097-01-01T00:00:00Z"), in: try zone("UTC")) == nil)
    }

    // MARK: Time zones

    @Test("fire times are local times of the time zone")
    func timeZones() throws {
        #expect(try fireTimes("0 9 * * *", after: "2026-01-15T00:00:00Z", count: 1, in: "America/New_York") == [
            utc("2026-01-15T14:00:00Z")
        ])
        #expect(try fireTimes("0 9 * * *", after: "2026-07-15T00:00:00Z", count: 1, in: "America/New_York") == [
            utc("2026-07-15T13:00:00Z")
        ])
        #expect(try fireTimes("0 9 * * *", after: "2026-01-15T00:00:00Z", count: 1, in: "Asia/Kolkata") == [
            utc("2026-01-15T03:30:00Z")
        ])
        // Monday 2026-06-08 00:00 in Tokyo is still Sunday in UTC.
        #expect(try fireTimes("0 0 * * mon", after: "2026-06-02T00:00:00Z", count: 1, in: "Asia/Tokyo") == [
            utc("2026-06-07T15:00:00Z")
        ])
        #expect(try previousTimes("0 0 * * mon", atOrBefore: "2026-06-07T14:59:59Z", count: 1, in: "Asia/Tokyo") == [
            utc("2026-05-31T15:00:00Z")
        ])
    }

    // MARK: Daylight saving

    @Test("spring forward: a fixed-time job in the skipped hour fires once, when clocks jump")
    func springForwardFixed() throws {
        // Europe/Paris, 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00Z.
        #expect(try fireTimes("30 2 * * *", after: "2026-03-27T12:00:00Z", count: 3, in: "Europe/Paris") == [
            utc("2026-03-28T01:30:00Z"), utc("2026-03-29T01:00:00Z"), utc("2026-03-30T00:30:00Z"),
        ])
        #expect(try previousTimes("30 2 * * *", atOrBefore: "2026-03-30T00:00:00Z", count: 2, in: "Europe/Paris") == [
            utc("2026-03-29T01:00:00Z"), utc("2026-03-28T01:30:00Z"),
        ])
        #expect(try fireTimes("0 2 * * *", after: "2026-03-28T12:00:00Z", count: 1, in: "Europe/Paris") == [
            utc("2026-03-29T01:00:00Z")
        ])
        // 02:00 and 02:30 land on 03:00 CEST, which the job has anyway: one run there.
        #expect(try fireTimes("0,30 1-3 * * *", after: "2026-03-28T23:00:00Z", count: 5, in: "Europe/Paris") == [
            utc("2026-03-29T00:00:00Z"), utc("2026-03-29T00:30:00Z"), utc("2026-03-29T01:00:00Z"),
            utc("2026-03-29T01:30:00Z"), utc("2026-03-29T23:00:00Z"),
        ])
        // America/New_York, 2026-03-08: 02:00 EST becomes 03:00 EDT at 07:00Z.
        #expect(try fireTimes("30 2 * * *", after: "2026-03-07T00:00:00Z", count: 3, in: "America/New_York") == [
            utc("2026-03-07T07:30:00Z"), utc("2026-03-08T07:00:00Z"), utc("2026-03-09T06:30:00Z"),
        ])
    }

    @Test("spring forward: a wildcard job skips the hour that does not exist")
    func springForwardWildcard() throws {
        #expect(try fireTimes("30 * * * *", after: "2026-03-29T00:00:00Z", count: 2, in: "Europe/Paris") == [
            utc("2026-03-29T00:30:00Z"), utc("2026-03-29T01:30:00Z"),
        ])
        // 01:00 CET, 01:30 CET, then 03:00 CEST and 03:30 CEST.
        #expect(try fireTimes("*/30 * * * *", after: "2026-03-28T23:30:00Z", count: 4, in: "Europe/Paris") == [
            utc("2026-03-29T00:00:00Z"), utc("2026-03-29T00:30:00Z"), utc("2026-03-29T01:00:00Z"),
            utc("2026-03-29T01:30:00Z"),
        ])
        #expect(try previousTimes("*/30 * * * *", atOrBefore: "2026-03-29T01:30:00Z", count: 4, in: "Europe/Paris") == [
            utc("2026-03-29T01:30:00Z"), utc("2026-03-29T01:00:00Z"), utc("2026-03-29T00:30:00Z"),
            utc("2026-03-29T00:00:00Z"),
        ])
        // A starred minute makes a wildcard job too: 02:xx does not exist that night.
        #expect(try fireTimes("*/15 2 * * *", after: "2026-03-28T12:00:00Z", count: 1, in: "Europe/Paris") == [
            utc("2026-03-30T00:00:00Z")
        ])
    }

    @Test("fall back: a fixed-time job in the repeated hour fires at the first occurrence only")
    func fallBackFixed() throws {
        // Europe/Paris, 2026-10-25: 03:00 CEST becomes 02:00 CET at 01:00Z; 02:30 comes at 00:30Z and 01:30Z.
        #expect(try fireTimes("30 2 * * *", after: "2026-10-24T12:00:00Z", count: 2, in: "Europe/Paris") == [
            utc("2026-10-25T00:30:00Z"), utc("2026-10-26T01:30:00Z"),
        ])
        #expect(try previousTimes("30 2 * * *", atOrBefore: "2026-10-26T00:00:00Z", count: 2, in: "Europe/Paris") == [
            utc("2026-10-25T00:30:00Z"), utc("2026-10-24T00:30:00Z"),
        ])
        // America/New_York, 2026-11-01: 02:00 EDT becomes 01:00 EST at 06:00Z.
        #expect(try fireTimes("30 1 * * *", after: "2026-10-31T12:00:00Z", count: 2, in: "America/New_York") == [
            utc("2026-11-01T05:30:00Z"), utc("2026-11-02T06:30:00Z"),
        ])
    }

    @Test("fall back: a wildcard job fires in both occurrences of the repeated hour")
    func fallBackWildcard() throws {
        // 02:30 CEST, 02:00 CET, 02:30 CET, 03:00 CET: every 30 minutes of elapsed time.
        #expect(try fireTimes("*/30 * * * *", after: "2026-10-25T00:00:00Z", count: 4, in: "Europe/Paris") == [
            utc("2026-10-25T00:30:00Z"), utc("2026-10-25T01:00:00Z"), utc("2026-10-25T01:30:00Z"),
            utc("2026-10-25T02:00:00Z"),
        ])
        #expect(try previousTimes("*/30 * * * *", atOrBefore: "2026-10-25T01:59:00Z", count: 4, in: "Europe/Paris") == [
            utc("2026-10-25T01:30:00Z"), utc("2026-10-25T01:00:00Z"), utc("2026-10-25T00:30:00Z"),
            utc("2026-10-25T00:00:00Z"),
        ])
        #expect(try fireTimes("*/30 * * * *", after: "2026-11-01T05:00:00Z", count: 4, in: "America/New_York") == [
            utc("2026-11-01T05:30:00Z"), utc("2026-11-01T06:00:00Z"), utc("2026-11-01T06:30:00Z"),
            utc("2026-11-01T07:00:00Z"),
        ])
    }

    @Test("changes at midnight (America/Sao_Paulo, 2018-2019)")
    func midnightChanges() throws {
        // 2018-11-04 00:00 BRT became 01:00 BRST (-02:00) at 03:00Z: midnight did not happen.
        #expect(try fireTimes("0 0 * * *", after: "2018-11-03T12:00:00Z", count: 2, in: "America/Sao_Paulo") == [
            utc("2018-11-04T03:00:00Z"), utc("2018-11-05T02:00:00Z"),
        ])
        // 2019-02-17 00:00 BRST became 2019-02-16 23:00 BRT at 02:00Z: 23:30 came twice on the 16th.
        #expect(try fireTimes("30 23 * * *", after: "2019-02-16T12:00:00Z", count: 2, in: "America/Sao_Paulo") == [
            utc("2019-02-17T01:30:00Z"), utc("2019-02-18T02:30:00Z"),
        ])
        #expect(try fireTimes("30 * * * *", after: "2019-02-17T01:00:00Z", count: 3, in: "America/Sao_Paulo") == [
            utc("2019-02-17T01:30:00Z"), utc("2019-02-17T02:30:00Z"), utc("2019-02-17T03:30:00Z"),
        ])
    }
}
