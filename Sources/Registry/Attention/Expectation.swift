import Foundation

/// What should be true of a group (its subtree) or of one worker; the rules open a problem when it is not.
///
/// Declared through the API, the CLI or the expectations file, all as this one model. A worker is judged by
/// its own expectation when it has one, otherwise by its nearest group's.
public struct Expectation: Sendable, Equatable {
    /// The group or the worker this is about.
    public var subject: Subject
    /// At least this many workers running at or below the group (`degraded` below it, `down` at none).
    public var minRunning: Int?
    /// At most this many workers running (`degraded` above it).
    public var maxRunning: Int?
    /// When runs are expected to start (`late`, `missed`).
    public var schedule: Schedule?
    /// How long after the expected time a start still counts as on time, in seconds.
    public var grace: Double
    /// A run lasting longer than this many seconds is an `overrun`.
    public var maxRuntime: Double?
    /// Ephemeral instances: a `lost` or `failed` problem of a worker here resolves by itself this many seconds after it opened.
    public var resolveAfter: Double?
    /// Open a `failed` problem only after this many failed runs within a window.
    public var failures: FailureThreshold?
    /// Who manages it: the API (and the CLI), or the expectations file.
    public var source: ExpectationSource
    /// When it was declared (or last changed); nothing expected before it counts as late.
    public var since: Date

    /// The default ``grace``: five minutes.
    public static let defaultGrace: Double = 300

    /// Creates an expectation.
    public init(
        subject: Subject, minRunning: Int? = nil, maxRunning: Int? = nil, schedule: Schedule? = nil, grace: Double = Expectation.defaultGrace,
        maxRuntime: Double? = nil, resolveAfter: Double? = nil, failures: FailureThreshold? = nil, source: ExpectationSource = .api,
        since: Date
    ) {
        self.subject = subject
        self.minRunning = minRunning
        self.maxRunning = maxRunning
        self.schedule = schedule
        self.grace = grace
        self.maxRuntime = maxRuntime
        self.resolveAfter = resolveAfter
        self.failures = failures
        self.source = source
        self.since = since
    }

    /// `true` when two expectations say the same thing, whenever each was declared.
    public func declaresTheSame(as other: Expectation) -> Bool {
        var other = other
        other.since = since
        return self == other
    }
}

/// Who manages an expectation.
public enum ExpectationSource: String, Sendable, Codable {
    /// `PUT /expectations/...` or `wokmanager expect set`.
    case api
    /// The expectations file given to `serve`; replaced as a whole when the file changes.
    case file
}

/// `3 in 1h`: a `failed` problem opens only when a worker has failed this many runs within the window.
public struct FailureThreshold: Sendable, Equatable, CustomStringConvertible {
    /// Failed runs needed; at least 1.
    public var count: Int
    /// The window they must fall in, in seconds.
    public var window: Double

    /// Creates a threshold.
    public init(count: Int, window: Double) {
        self.count = count
        self.window = window
    }

    /// Reads `3 in 1h` (a count, `in`, a duration).
    public init(parsing text: String, field: String = "failures") throws(EventValidationError) {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count == 3, words[1] == "in", let count = Int(words[0]), count >= 1, let window = DurationText.seconds(String(words[2])), window > 0
        else {
            throw EventValidationError(field: field, message: "must read like '3 in 1h' (a count of at least 1, 'in', a duration), not '\(EscapedText.escaped(text))'")
        }
        self.init(count: count, window: window)
    }

    public var description: String { "\(count) in \(DurationText.text(seconds: window))" }
}
