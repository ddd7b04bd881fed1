import Foundation
import Registry
import Testing

/// The JSON and YAML form of an expectation, read with errors naming the field.
@Suite("Expectation fields")
struct ExpectationSpecTests {
    private func read(_ fields: [String: SpecValue]) throws(EventValidationError) -> Registry.Expectation {
        try ExpectationSpec.expectation(from: fields, subject: .group("jobs"), source: .api, since: t0)
    }

    private func refusal(_ fields: [String: SpecValue]) -> EventValidationError? {
        do {
            _ = try read(fields)
            return nil
        } catch {
            return error
        }
    }

    @Test("every field is read: counts, a cron schedule in its time zone, durations as text or seconds, a failure threshold")
    func everything() throws {
        let expectation = try read([
            "min_running": .number(2), "max_running": .number(4), "schedule": .text("0 2 * * *"), "time_zone": .text("Europe/Paris"),
            "grace": .text("10m"), "max_runtime": .number(7200), "resolve_after": .text("1h"), "failures": .text("3 in 1h"),
        ])
        #expect(expectation.minRunning == 2 && expectation.maxRunning == 4)
        #expect(expectation.schedule == .cron(try CronExpression(parsing: "0 2 * * *"), TimeZone(identifier: "Europe/Paris")!))
        #expect(expectation.grace == 600 && expectation.maxRuntime == 7200 && expectation.resolveAfter == 3600)
        #expect(expectation.failures == FailureThreshold(count: 3, window: 3600))
        let interval = try read(["every": .text("15m"), "time_zone": .null])
        #expect(interval.schedule == .every(seconds: 900), "a null field is an absent one")
        #expect(interval.grace == Expectation.defaultGrace)
    }

    @Test("each mistake names its field", arguments: [
        (["min_runing": SpecValue.number(2)], "min_runing"),
        (["min_running": .number(-1)], "min_running"),
        (["min_running": .number(1.5)], "min_running"),
        (["min_running": .text("2")], "min_running"),
        (["min_running": .number(3), "max_running": .number(2)], "max_running"),
        (["schedule": .text("61 * * * *")], "schedule"),
        (["schedule": .text("0 2 * * *"), "time_zone": .text("Mars/Olympus")], "time_zone"),
        (["schedule": .text("0 2 * * *"), "every": .text("1h")], "every"),
        (["every": .text("1h"), "time_zone": .text("UTC")], "time_zone"),
        (["every": .text("0.5")], "every"),
        (["every": .text("1e300s")], "every"),
        (["max_runtime": .number(1e300)], "max_runtime"),
        (["failures": .text("3 in 1e300s")], "failures"),
        (["grace": .text("soon"), "min_running": .number(1)], "grace"),
        (["max_runtime": .number(0)], "max_runtime"),
        (["failures": .text("3 per hour")], "failures"),
        (["failures": .text("0 in 1h")], "failures"),
        ([:], "body"),
        (["grace": .text("5m")], "body"),
    ] as [([String: SpecValue], String)])
    func refusals(_ fields: [String: SpecValue], _ field: String) {
        #expect(refusal(fields)?.field == field)
    }

    @Test("UTC is written UTC, not Foundation's GMT")
    func utcName() throws {
        let expectation = try read(["schedule": .text("@daily")])
        let json = String(decoding: try JSONEncoder().encode(expectation), as: UTF8.self)
        #expect(json.contains(#""time_zone":"UTC""#))
    }
}
