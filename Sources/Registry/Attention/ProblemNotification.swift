import Foundation

/// What happened to a problem that a webhook is told about.
public enum ProblemChange: String, Sendable, Codable, CaseIterable {
    case opened
    case acknowledged
    case resolved
}

/// One notification in the outbox: a problem's change for one webhook, written in the same transaction as
/// the change, and kept until it is delivered (or given up after ``NotificationPolicy/giveUpAfter``).
public struct ProblemNotification: Sendable, Equatable {
    /// Increasing id in the outbox.
    public var id: Int64
    public var webhook: String
    public var change: ProblemChange
    /// The problem as it was right after the change.
    public var problem: Problem
    /// When the change happened.
    public var createdAt: Date
    /// Delivery attempts so far.
    public var attempts: Int

    /// The id receivers use to drop duplicates: the same for every attempt and every replica (`42.opened`).
    public var stableID: String { "\(problem.id).\(change.rawValue)" }

    /// Creates a notification; the store assigns ``id`` when it saves a new one.
    public init(id: Int64 = 0, webhook: String, change: ProblemChange, problem: Problem, createdAt: Date, attempts: Int = 0) {
        self.id = id
        self.webhook = webhook
        self.change = change
        self.problem = problem
        self.createdAt = createdAt
        self.attempts = attempts
    }
}

/// One attempt to deliver a group of notifications to a webhook, as the delivery log shows it.
public struct DeliveryRecord: Sendable, Equatable, Codable {
    /// Increasing id in the log.
    public var id: Int64
    public var webhook: String
    public var at: Date
    /// The outbox ids sent in this message.
    public var notifications: [Int64]
    /// The receiver's HTTP status; `nil` when none came (refused, timed out).
    public var statusCode: Int?
    /// What went wrong; `nil` when it was delivered.
    public var error: String?
    /// Seconds the request took.
    public var duration: Double

    /// `true` when the receiver took it (a 2xx).
    public var delivered: Bool { error == nil }

    /// Creates a record; the store assigns ``id`` when it saves a new one.
    public init(id: Int64 = 0, webhook: String, at: Date, notifications: [Int64], statusCode: Int?, error: String?, duration: Double) {
        self.id = id
        self.webhook = webhook
        self.at = at
        self.notifications = notifications
        self.statusCode = statusCode
        self.error = error
        self.duration = duration
    }

    enum CodingKeys: String, CodingKey {
        case id, webhook, at, notifications, error, duration, delivered
        case statusCode = "status_code"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int64.self, forKey: .id)
        webhook = try container.decode(String.self, forKey: .webhook)
        at = try container.decode(Date.self, forKey: .at)
        notifications = try container.decode([Int64].self, forKey: .notifications)
        statusCode = try container.decodeIfPresent(Int.self, forKey: .statusCode)
        error = try container.decodeIfPresent(String.self, forKey: .error)
        duration = try container.decode(Double.self, forKey: .duration)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(webhook, forKey: .webhook)
        try container.encode(at, forKey: .at)
        try container.encode(notifications, forKey: .notifications)
        try container.encode(statusCode, forKey: .statusCode)
        try container.encode(error, forKey: .error)
        try container.encode(duration, forKey: .duration)
        try container.encode(delivered, forKey: .delivered)
    }
}

/// How notifications are grouped and retried.
public struct NotificationPolicy: Sendable, Equatable {
    /// Changes for one webhook within this many seconds of the first go out as one message.
    public var groupWindow: Double
    /// The first retry's delay in seconds; each further one doubles it, up to ``maxRetryDelay``.
    public var firstRetryDelay: Double
    public var maxRetryDelay: Double
    /// A notification not delivered this many seconds after its change is given up.
    public var giveUpAfter: Double

    /// Creates a policy; by default a 10 s window, retries from 5 s doubling to 10 minutes, for 24 hours.
    public init(groupWindow: Double = 10, firstRetryDelay: Double = 5, maxRetryDelay: Double = 600, giveUpAfter: Double = 86_400) {
        self.groupWindow = groupWindow
        self.firstRetryDelay = firstRetryDelay
        self.maxRetryDelay = maxRetryDelay
        self.giveUpAfter = giveUpAfter
    }

    /// The delay before the next attempt after `attempts` failed ones (1 or more).
    public func retryDelay(afterAttempts attempts: Int) -> Double {
        min(maxRetryDelay, firstRetryDelay * pow(2, Double(max(0, attempts - 1))))
    }
}
