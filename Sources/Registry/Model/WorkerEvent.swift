import Foundation

/// One validated event from a worker, ready for the store.
public struct WorkerEvent: Sendable, Equatable {
    /// The worker's id (see ``Identifiers``).
    public var id: String
    /// The worker's dotted group path, for example `product.importer`.
    public var group: String
    /// What happened.
    public var kind: EventKind
    /// When it happened, as the worker says.
    public var at: Date
    /// When the server received it.
    public var receivedAt: Date
    /// Seconds of silence after which the worker counts as lost; `nil` keeps the previous or default TTL.
    public var ttl: Double?
    /// A status text (`message` events) or the error text (`error` events).
    public var message: String?
    /// What the worker did about an error (`error` events).
    public var action: String?
    /// The process exit code (`stopped` events).
    public var exitCode: Int?
    /// Optional descriptive fields; `nil` keeps what the worker sent before.
    public var host: String?
    public var pid: Int?
    public var version: String?
    public var labels: [String: String]?
    /// Numbers the worker reports (``WorkerMetric``): a name ending in `_total` is a counter, any other a gauge.
    public var metrics: [String: Double]?
    /// Without a `ttl`, learn one: three times the longest interval between the run's events (a push through the
    /// Pushgateway API, whose clients send no TTL).
    public var ttlFromIntervals: Bool
    /// The series pushed with the event (a push through the Pushgateway API).
    public var push: MetricPush?

    /// Creates an event; fields are expected to be valid already (``EventPayload`` validates wire input).
    public init(
        id: String,
        group: String,
        kind: EventKind,
        at: Date,
        receivedAt: Date,
        ttl: Double? = nil,
        message: String? = nil,
        action: String? = nil,
        exitCode: Int? = nil,
        host: String? = nil,
        pid: Int? = nil,
        version: String? = nil,
        labels: [String: String]? = nil,
        metrics: [String: Double]? = nil,
        ttlFromIntervals: Bool = false,
        push: MetricPush? = nil
    ) {
        self.id = id
        self.group = group
        self.kind = kind
        self.at = at
        self.receivedAt = receivedAt
        self.ttl = ttl
        self.message = message
        self.action = action
        self.exitCode = exitCode
        self.host = host
        self.pid = pid
        self.version = version
        self.labels = labels
        self.metrics = metrics
        self.ttlFromIntervals = ttlFromIntervals
        self.push = push
    }

    /// `true` when the event ends the worker's run as failed.
    var marksFailure: Bool {
        switch kind {
        case .stopped: (exitCode ?? 0) != 0
        case .error: action == ErrorAction.aborted
        default: false
        }
    }
}
