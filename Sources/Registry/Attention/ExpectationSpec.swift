import Foundation

/// An expectation as the API's JSON body and the expectations file write it, read with an error naming the field.
///
/// ```json
/// {"min_running": 8, "schedule": "0 2 * * *", "time_zone": "Europe/Paris", "grace": "10m",
///  "max_runtime": "2h", "resolve_after": "1h", "failures": "3 in 1h"}
/// ```
/// Durations are a number of seconds or a text like `15m`; `every` (an interval) replaces `schedule`.
public enum ExpectationSpec {
    /// The fields an expectation may have.
    public static let fields: Set<String> = ["min_running", "max_running", "schedule", "time_zone", "every", "grace", "max_runtime", "resolve_after", "failures"]

    /// Reads `object` (decoded JSON or YAML) as the expectation of `subject`; `prefix` goes before field names in errors
    /// (`expectations[3].`).
    public static func expectation(
        from object: [String: SpecValue], subject: Subject, source: ExpectationSource, since: Date, prefix: String = ""
    ) throws(EventValidationError) -> Expectation {
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
            throw EventValidationError(field: prefix + unknown, message: "is not a field of an expectation; expected one of \(fields.sorted().joined(separator: ", "))")
        }
        func count(_ name: String) throws(EventValidationError) -> Int? {
            switch object[name] {
            case nil, .null?: return nil
            case .number(let number)? where number >= 0 && number < 1e9 && number == number.rounded(): return Int(number)
            default: throw EventValidationError(field: prefix + name, message: "must be a whole number, 0 or more")
            }
        }
        func duration(_ name: String) throws(EventValidationError) -> Double? {
            let seconds: Double?
            switch object[name] {
            case nil, .null?: return nil
            case .text(let text)?: seconds = DurationText.seconds(text)
            case .number(let number)? where (0...DurationText.maxSeconds).contains(number): seconds = number
            default: seconds = nil
            }
            guard let seconds else { throw EventValidationError(field: prefix + name, message: "must be a duration up to 100 years: seconds, or a number with s, m, h or d (15m)") }
            return seconds
        }
        func text(_ name: String) throws(EventValidationError) -> String? {
            switch object[name] {
            case nil, .null?: return nil
            case .text(let text)? where !text.isEmpty: return text
            default: throw EventValidationError(field: prefix + name, message: "must be a non-empty string")
            }
        }

        func given(_ name: String) -> Bool { object[name] != nil && object[name] != .null }

        let minimum = try count("min_running"), maximum = try count("max_running")
        if let minimum, let maximum, maximum < minimum {
            throw EventValidationError(field: prefix + "max_running", message: "must be at least min_running (\(minimum))")
        }
        var schedule: Schedule?
        if let cron = try text("schedule") {
            if given("every") { throw EventValidationError(field: prefix + "every", message: "cannot be given with schedule; choose one") }
            let zoneName = try text("time_zone") ?? "UTC"
            guard let zone = TimeZone(identifier: zoneName) else {
                throw EventValidationError(field: prefix + "time_zone", message: "'\(EscapedText.escaped(zoneName))' is not a known time zone (like Europe/Paris or UTC)")
            }
            do {
                schedule = .cron(try CronExpression(parsing: cron), zone)
            } catch {
                throw EventValidationError(field: prefix + "schedule", message: error.message)
            }
        } else if let every = try duration("every") {
            guard every >= 1 else { throw EventValidationError(field: prefix + "every", message: "must be at least 1s") }
            if given("time_zone") { throw EventValidationError(field: prefix + "time_zone", message: "applies to schedule only") }
            schedule = .every(seconds: every)
        } else if given("time_zone") {
            throw EventValidationError(field: prefix + "time_zone", message: "applies to schedule only")
        }
        let failures: FailureThreshold?
        if let threshold = try text("failures") {
            failures = try FailureThreshold(parsing: threshold, field: prefix + "failures")
        } else {
            failures = nil
        }
        let grace = try duration("grace") ?? Expectation.defaultGrace
        let maxRuntime = try duration("max_runtime"), resolveAfter = try duration("resolve_after")
        if maxRuntime == 0 { throw EventValidationError(field: prefix + "max_runtime", message: "must be more than 0") }
        if resolveAfter == 0 { throw EventValidationError(field: prefix + "resolve_after", message: "must be more than 0") }
        let expectation = Expectation(
            subject: subject, minRunning: minimum, maxRunning: maximum, schedule: schedule, grace: grace, maxRuntime: maxRuntime,
            resolveAfter: resolveAfter, failures: failures, source: source, since: since)
        guard minimum != nil || maximum != nil || schedule != nil || maxRuntime != nil || resolveAfter != nil || failures != nil else {
            throw EventValidationError(field: prefix + "body", message: "expects nothing: give at least one of \(fields.subtracting(["time_zone", "grace"]).sorted().joined(separator: ", "))")
        }
        return expectation
    }
}

/// One value of an expectation's fields, as JSON or YAML gives it.
public enum SpecValue: Decodable, Sendable, Equatable {
    case null
    case flag(Bool)
    case number(Double)
    case text(String)
    /// An object or a list, which no field takes.
    case nested

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .flag(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .nested
        }
    }
}

/// The JSON of ``ExpectationSpec`` with the subject, where it comes from and since when: what `GET /expectations` answers.
extension Expectation: Encodable {
    enum CodingKeys: String, CodingKey {
        case group, worker, schedule, every, grace, failures, source, since
        case minRunning = "min_running"
        case maxRunning = "max_running"
        case timeZone = "time_zone"
        case maxRuntime = "max_runtime"
        case resolveAfter = "resolve_after"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch subject {
        case .group(let path): try container.encode(path, forKey: .group)
        case .worker(let id): try container.encode(id, forKey: .worker)
        }
        try container.encodeIfPresent(minRunning, forKey: .minRunning)
        try container.encodeIfPresent(maxRunning, forKey: .maxRunning)
        switch schedule {
        case .cron(let expression, let zone)?:
            try container.encode(expression.text, forKey: .schedule)
            try container.encode(zone.name, forKey: .timeZone)
        case .every(let seconds)?:
            try container.encode(DurationText.text(seconds: seconds), forKey: .every)
        case nil:
            break
        }
        try container.encode(DurationText.text(seconds: grace), forKey: .grace)
        try container.encodeIfPresent(maxRuntime.map { DurationText.text(seconds: $0) }, forKey: .maxRuntime)
        try container.encodeIfPresent(resolveAfter.map { DurationText.text(seconds: $0) }, forKey: .resolveAfter)
        try container.encodeIfPresent(failures?.description, forKey: .failures)
        try container.encode(source, forKey: .source)
        try container.encode(since, forKey: .since)
    }
}
