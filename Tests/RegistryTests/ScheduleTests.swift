import Foundation
import Registry
import Testing

@Suite("Schedules")
struct ScheduleTests {
    /// `0 2 * * *` in UTC: every day at 02:00Z.
    func nightly() throws -> Schedule {
        .cron(try CronExpression(parsing: "0 2 * * *"), try zone("UTC"))
    }

    // MARK: Text and expected starts

    @Test("descriptions for people", arguments: [
        (Schedule.every(seconds: 900), "every 15m"),
        (.every(seconds: 5400), "every 1h30m"),
        (.every(seconds: 86_400), "every 1d"),
        (.every(seconds: 90_061), "every 1d1h1m1s"),
        (.every(seconds: 45), "every 45s"),
        (.every(seconds: 0.5), "every 0.5s"),
    ])
    func descriptions(_ schedule: Schedule, _ text: String) {
        #expect(schedule.description == text)
    }

    @Test("a cron schedule is described by its expression and time zone")
    func cronDescription() throws {
        let schedule = Schedule.cron(try CronExpression(parsing: "0  2 * * *"), try zone("Europe/Paris"))
        #expect(schedule.description == "0 2 * * * Europe/Paris")
    }

    @Test("the start expected after a run")
    func expectedStart() throws {
        #expect(Schedule.every(seconds: 3600).expectedStart(after: try utc("2026-06-01T08:10:00Z")) == (try utc("2026-06-01T09:10:00Z")))
        #expect(Schedule.every(seconds: 0).expectedStart(after: try utc("2026-06-01T08:10:00Z")) == nil)
        #expect(Schedule.every(seconds: -60).expectedStart(after: try utc("2026-06-01T08:10:00Z")) == nil)
        #expect(Schedule.every(seconds: .infinity).expectedStart(after: try utc("2026-06-01T08:10:00Z")) == nil)
        #expect(try nightly().expectedStart(after: try utc("2026-06-01T02:00:00Z")) == (try utc("2026-06-02T02:00:00Z")))
        // 02:00 CEST is 00:00Z.
        let paris = Schedule.cron(try CronExpression(parsing: "0 2 * * *"), try zone("Europe/Paris"))
        #expect(paris.expectedStart(after: try utc("2026-05-31T12:00:00Z")) == (try utc("2026-06-01T00:00:00Z")))
    }

    // MARK: Intervals

    @Test("every: late after the interval and the grace, missed when the next start came too")
    func everyNeverRan() throws {
        let schedule = Schedule.every(seconds: 3600)
        let since = try utc("2026-06-01T08:00:00Z")
        let verdict = { (now: String) in try schedule.verdict(lastStart: nil, since: since, grace: 300, now: utc(now)) }
        #expect(try verdict("2026-06-01T08:59:59Z") == .onTime)
        #expect(try verdict("2026-06-01T09:05:00Z") == .onTime)
        #expect(try verdict("2026-06-01T09:05:01Z") == .late(expectedAt: utc("2026-06-01T09:00:00Z")))
        #expect(try verdict("2026-06-01T09:59:59Z") == .late(expectedAt: utc("2026-06-01T09:00:00Z")))
        #expect(
            try verdict("2026-06-01T10:00:00Z")
                == .missed(expectedAt: utc("2026-06-01T09:00:00Z"), nextExpectedAt: utc("2026-06-01T10:00:00Z")))
    }

    @Test("every: the interval counts from the newest start")
    func everyCountsFromLastStart() throws {
        let schedule = Schedule.every(seconds: 3600)
        let since = try utc("2026-06-01T08:00:00Z")
        let lastStart = try utc("2026-06-01T09:10:00Z")
        #expect(try schedule.verdict(lastStart: lastStart, since: since, grace: 300, now: utc("2026-06-01T10:15:00Z")) == .onTime)
        #expect(
            try schedule.verdict(lastStart: lastStart, since: since, grace: 300, now: utc("2026-06-01T10:15:01Z"))
                == .late(expectedAt: utc("2026-06-01T10:10:00Z")))
    }

    @Test("every: a run before the expectation was declared counts from the declaration")
    func everyRunBeforeSince() throws {
        let schedule = Schedule.every(seconds: 3600)
        let since = try utc("2026-06-01T08:00:00Z")
        let lastStart = try utc("2026-06-01T06:00:00Z")
        #expect(try schedule.verdict(lastStart: lastStart, since: since, grace: 300, now: utc("2026-06-01T09:05:00Z")) == .onTime)
        #expect(
            try schedule.verdict(lastStart: lastStart, since: since, grace: 300, now: utc("2026-06-01T09:05:01Z"))
                == .late(expectedAt: utc("2026-06-01T09:00:00Z")))
    }

    @Test("missed only once late: a grace longer than the interval holds both back")
    func missedNeedsLate() throws {
        let schedule = Schedule.every(seconds: 60)
        let since = try utc("2026-06-01T08:00:00Z")
        #expect(try schedule.verdict(lastStart: nil, since: since, grace: 300, now: utc("2026-06-01T08:03:00Z")) == .onTime)
        #expect(
            try schedule.verdict(lastStart: nil, since: since, grace: 300, now: utc("2026-06-01T08:06:01Z"))
                == .missed(expectedAt: utc("2026-06-01T08:01:00Z"), nextExpectedAt: utc("2026-06-01T08:02:00Z")))
    }

    @Test("an interval that is not positive is never late")
    func noInterval() throws {
        let since = try utc("2026-06-01T08:00:00Z")
        #expect(try Schedule.every(seconds: 0).verdict(lastStart: nil, since: since, grace: 0, now: utc("2027-01-01T00:00:00Z")) == .onTime)
    }

    // MARK: Cron

    @Test("cron: on time before the grace is over, late just after, missed at the next fire time")
    func cronNeverRan() throws {
        let schedule = try nightly()
        let since = try utc("2026-06-01T00:00:00Z")
        let verdict = { (now: String) in try schedule.verdict(lastStart: nil, since: since, grace: 600, now: utc(now)) }
        #expect(try verdict("2026-06-01T01:59:00Z") == .onTime)
        #expect(try verdict("2026-06-01T02:10:00Z") == .onTime)
        #expect(try verdict("2026-06-01T02:10:01Z") == .late(expectedAt: utc("2026-06-01T02:00:00Z")))
        #expect(try verdict("2026-06-02T01:59:59Z") == .late(expectedAt: utc("2026-06-01T02:00:00Z")))
        #expect(
            try verdict("2026-06-02T02:00:00Z")
                == .missed(expectedAt: utc("2026-06-01T02:00:00Z"), nextExpectedAt: utc("2026-06-02T02:00:00Z")))
    }

    @Test("cron: a run that started a little early covers the fire time it anticipates")
    func cronEarlyRunCovers() throws {
        let schedule = try nightly()
        let since = try utc("2026-06-01T00:00:00Z")
        let lastStart = try utc("2026-06-01T01:55:00Z")
        #expect(schedule.awaitedStart(lastStart: lastStart, since: since, grace: 600) == (try utc("2026-06-02T02:00:00Z")))
        #expect(try schedule.verdict(lastStart: lastStart, since: since, grace: 600, now: utc("2026-06-01T02:30:00Z")) == .onTime)
        #expect(
            try schedule.verdict(lastStart: lastStart, since: since, grace: 600, now: utc("2026-06-02T02:10:01Z"))
                == .late(expectedAt: utc("2026-06-02T02:00:00Z")))
    }

    @Test("cron: a run earlier than the grace does not cover the fire time")
    func cronTooEarlyRun() throws {
        let schedule = try nightly()
        let since = try utc("2026-06-01T00:00:00Z")
        let lastStart = try utc("2026-06-01T01:45:00Z")
        #expect(
            try schedule.verdict(lastStart: lastStart, since: since, grace: 600, now: utc("2026-06-01T02:10:01Z"))
                == .late(expectedAt: utc("2026-06-01T02:00:00Z")))
    }

    @Test("cron: a run that started late covers its fire time")
    func cronLateRunCovers() throws {
        let schedule = try nightly()
        let since = try utc("2026-06-01T00:00:00Z")
        let lastStart = try utc("2026-06-01T02:40:00Z")
        #expect(try schedule.verdict(lastStart: lastStart, since: since, grace: 600, now: utc("2026-06-01T03:00:00Z")) == .onTime)
        #expect(schedule.awaitedStart(lastStart: lastStart, since: since, grace: 600) == (try utc("2026-06-02T02:00:00Z")))
    }

    @Test("cron: a run long ago covers nothing since the expectation was declared")
    func cronOldRun() throws {
        let schedule = try nightly()
        let since = try utc("2026-06-01T00:00:00Z")
        let lastStart = try utc("2026-05-20T02:00:00Z")
        #expect(
            try schedule.verdict(lastStart: lastStart, since: since, grace: 600, now: utc("2026-06-01T02:10:01Z"))
                == .late(expectedAt: utc("2026-06-01T02:00:00Z")))
        #expect(
            try schedule.verdict(lastStart: lastStart, since: since, grace: 600, now: utc("2026-06-03T12:00:00Z"))
                == .missed(expectedAt: utc("2026-06-01T02:00:00Z"), nextExpectedAt: utc("2026-06-02T02:00:00Z")))
    }

    @Test("cron: nothing is expected before the expectation was declared, nor at that instant")
    func cronSince() throws {
        let schedule = try nightly()
        let afterToday = try utc("2026-06-01T03:00:00Z")
        #expect(try schedule.verdict(lastStart: nil, since: afterToday, grace: 600, now: utc("2026-06-01T12:00:00Z")) == .onTime)
        #expect(
            try schedule.verdict(lastStart: nil, since: afterToday, grace: 600, now: utc("2026-06-02T02:10:01Z"))
                == .late(expectedAt: utc("2026-06-02T02:00:00Z")))
        let atFireTime = try utc("2026-06-01T02:00:00Z")
        #expect(schedule.awaitedStart(lastStart: nil, since: atFireTime, grace: 600) == (try utc("2026-06-02T02:00:00Z")))
    }

    @Test("cron: a job at 02:30 in Europe/Paris is expected at 03:00 CEST on the night clocks skip 02:00-03:00")
    func cronAcrossSpringForward() throws {
        let schedule = Schedule.cron(try CronExpression(parsing: "30 2 * * *"), try zone("Europe/Paris"))
        let since = try utc("2026-03-28T12:00:00Z")
        #expect(try schedule.verdict(lastStart: nil, since: since, grace: 600, now: utc("2026-03-29T01:10:00Z")) == .onTime)
        #expect(
            try schedule.verdict(lastStart: nil, since: since, grace: 600, now: utc("2026-03-29T01:10:01Z"))
                == .late(expectedAt: utc("2026-03-29T01:00:00Z")))
        #expect(
            try schedule.verdict(lastStart: nil, since: since, grace: 600, now: utc("2026-03-30T00:30:00Z"))
                == .missed(expectedAt: utc("2026-03-29T01:00:00Z"), nextExpectedAt: utc("2026-03-30T00:30:00Z")))
    }

    @Test("a cron expression that never fires is never late")
    func cronNeverFires() throws {
        let schedule = Schedule.cron(try CronExpression(parsing: "0 0 30 2 *"), try zone("UTC"))
        let since = try utc("2026-06-01T00:00:00Z")
        #expect(try schedule.verdict(lastStart: nil, since: since, grace: 0, now: utc("2030-01-01T00:00:00Z")) == .onTime)
    }
}
