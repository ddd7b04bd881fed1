import Foundation

/// A worker as the registry stores it: its identity, its current run and what it last said.
public struct Worker: Sendable, Equatable, Codable {
    /// The worker's id.
    public var id: String
    /// Its group path; the latest event's group wins.
    public var group: String
    /// The status recorded by the last state change. ``Liveness`` derives `lost` from it at read time.
    public var status: WorkerStatus
    /// When the recorded status began (the `at` of the event that set it).
    public var statusSince: Date
    /// When the current run started.
    public var runStartedAt: Date
    /// The newest `at` of any event from this worker.
    public var lastSeen: Date
    /// When the server last received an event from it.
    public var lastReceivedAt: Date
    /// The TTL the worker asked for; `nil` means the server's default.
    public var ttl: Double?
    public var host: String?
    public var pid: Int?
    public var version: String?
    public var labels: [String: String]
    /// The latest of each number the worker reported: its gauges of the current run, and its counters.
    public var metrics: [String: Double]
    /// The latest status message and when it was sent.
    public var message: String?
    public var messageAt: Date?
    /// Heartbeats received in the current run.
    public var heartbeats: Int
    /// Errors reported over the worker's retained life.
    public var errorCount: Int
    /// The exit code of the last `stopped` event.
    public var exitCode: Int?

    enum CodingKeys: String, CodingKey {
        case id, group, status, ttl, host, pid, version, labels, metrics, message, heartbeats
        case statusSince = "status_since"
        case runStartedAt = "run_started_at"
        case lastSeen = "last_seen"
        case lastReceivedAt = "last_received_at"
        case messageAt = "message_at"
        case errorCount = "error_count"
        case exitCode = "exit_code"
    }

    /// Creates a worker record.
    public init(
        id: String, group: String, status: WorkerStatus, statusSince: Date, runStartedAt: Date, lastSeen: Date,
        lastReceivedAt: Date, ttl: Double? = nil, host: String? = nil, pid: Int? = nil, version: String? = nil,
        labels: [String: String] = [:], metrics: [String: Double] = [:], message: String? = nil, messageAt: Date? = nil, heartbeats: Int = 0,
        errorCount: Int = 0, exitCode: Int? = nil
    ) {
        self.id = id
        self.group = group
        self.status = status
        self.statusSince = statusSince
        self.runStartedAt = runStartedAt
        self.lastSeen = lastSeen
        self.lastReceivedAt = lastReceivedAt
        self.ttl = ttl
        self.host = host
        self.pid = pid
        self.version = version
        self.labels = labels
        self.metrics = metrics
        self.message = message
        self.messageAt = messageAt
        self.heartbeats = heartbeats
        self.errorCount = errorCount
        self.exitCode = exitCode
    }
}
