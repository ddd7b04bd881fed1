import Foundation
import Prometheus
import Registry
import Synchronization

/// The server's own health, kept in a swift-prometheus registry: HTTP requests and their duration,
/// store commits (latency and batch size), failed authentications, and the build.
///
/// One instance per server; tests make their own, so nothing here is global.
public final class ServerMetrics: Sendable {
    /// The collectors, emitted at the end of every `/metrics` answer.
    public let registry: PrometheusCollectorRegistry
    /// Each route's collectors, looked up in the registry once (that lookup validates names every time).
    private let requestCollectors = Mutex<[RequestKey: (counter: Counter, duration: DurationHistogram)]>([:])

    private let commitDuration: DurationHistogram
    private let commitBatchSize: ValueHistogram
    private let configReloadSucceeded: Gauge
    private let configReloadTime: Gauge

    private struct RequestKey: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    private static let requestDurationBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
    ]
    private static let batchSizeBuckets: [Double] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000]

    /// Creates the collectors; `version` goes into `wokmanager_build_info`.
    public init(version: String) {
        registry = PrometheusCollectorRegistry()
        commitDuration = registry.makeDurationHistogram(
            descriptor: Self.name("store_commit_duration", unit: "seconds", help: "Time to write and commit one group of events."),
            labels: [], buckets: Self.requestDurationBuckets)
        commitBatchSize = registry.makeValueHistogram(
            descriptor: Self.name("store_commit_batch_size", unit: "events", help: "Events written per committed transaction."),
            labels: [], buckets: Self.batchSizeBuckets)
        registry.makeGauge(
            descriptor: Self.name("build", unit: "info", help: "The running wokmanager's version; always 1."),
            labels: [("version", version)]
        ).set(to: 1)
        configReloadSucceeded = registry.makeGauge(
            descriptor: Self.name("config_last_reload", unit: "successful", help: "1 when the last read of the settings (start or SIGHUP) succeeded, 0 when it failed."),
            labels: [])
        configReloadSucceeded.set(to: 1)
        configReloadTime = registry.makeGauge(
            descriptor: Self.name("config_last_reload_success_timestamp", unit: "seconds", help: "When the settings were last read successfully (Unix time)."),
            labels: [])
        configReloadTime.set(to: Date().timeIntervalSince1970)
        for reason in ["missing", "invalid", "forbidden"] { _ = authFailures(reason) }
        for reason in StoreError.reasons { _ = writeFailures(reason) }
        for reason in Self.refusalReasons { _ = refusedEvents(reason) }
        for file in DeclarationsFile.allCases { reloadGauges(of: file).succeeded.set(to: 1) }
    }

    /// Records when the certificate HTTPS serves expires, at start and after each rotation.
    public func recordCertificate(expiresAt: Date) {
        registry.makeGauge(
            descriptor: Self.name("tls_certificate_expiry_timestamp", unit: "seconds", help: "When the certificate HTTPS serves expires (Unix time)."),
            labels: []
        ).set(to: expiresAt.timeIntervalSince1970)
    }

    /// Records one reload of the settings on `SIGHUP`, as Prometheus reports its own.
    public func recordConfigReload(succeeded: Bool) {
        configReloadSucceeded.set(to: succeeded ? 1 : 0)
        if succeeded { configReloadTime.set(to: Date().timeIntervalSince1970) }
    }

    /// A declarative file the server reloads when it changes.
    public enum DeclarationsFile: String, CaseIterable, Sendable {
        case expectations, webhooks
    }

    /// Records one read of a declarative file, as Prometheus reports its own rule files.
    public func recordReload(of file: DeclarationsFile, succeeded: Bool) {
        let gauges = reloadGauges(of: file)
        gauges.succeeded.set(to: succeeded ? 1 : 0)
        if succeeded { gauges.time.set(to: Date().timeIntervalSince1970) }
    }

    private func reloadGauges(of file: DeclarationsFile) -> (succeeded: Gauge, time: Gauge) {
        let name = file.rawValue
        return (
            registry.makeGauge(
                descriptor: Self.name("\(name)_file_reload", unit: "successful", help: "1 when the last read of the \(name) file succeeded, 0 when it failed."),
                labels: []),
            registry.makeGauge(
                descriptor: Self.name("\(name)_file_reload_time", unit: "seconds", help: "When the \(name) file was last read successfully (Unix time)."),
                labels: [])
        )
    }

    /// Records one answered request. `route` is the route's pattern (`/workers/{id}`), never the raw path,
    /// so the number of series stays bounded.
    public func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let key = RequestKey(route: route, method: method, status: status)
        let collectors = requestCollectors.withLock { cache in
            if let found = cache[key] { return found }
            let made = (
                counter: registry.makeCounter(
                    descriptor: Self.name("http_requests", unit: "total", help: "HTTP requests answered, by route, method and status."),
                    labels: [("route", route), ("method", method), ("status", String(status))]),
                duration: registry.makeDurationHistogram(
                    descriptor: Self.name("http_request_duration", unit: "seconds", help: "Time to answer HTTP requests, by route and method."),
                    labels: [("route", route), ("method", method)], buckets: Self.requestDurationBuckets))
            cache[key] = made
            return made
        }
        collectors.counter.increment()
        collectors.duration.record(duration)
    }

    /// Records one attempt to deliver notifications to `webhook`, and the notifications it gave up.
    public func recordDelivery(webhook: String, delivered: Bool, givenUp: Int) {
        registry.makeCounter(
            descriptor: Self.name("notification_deliveries", unit: "total", help: "Attempts to deliver notifications to a webhook, by outcome."),
            labels: [("webhook", webhook), ("outcome", delivered ? "delivered" : "failed")]
        ).increment()
        let givenUpCounter = registry.makeCounter(
            descriptor: Self.name("notifications_given_up", unit: "total", help: "Notifications given up after --notify-give-up without delivery, or for a removed webhook."),
            labels: [("webhook", webhook)])
        if givenUp > 0 { givenUpCounter.increment(by: Int64(givenUp)) }
    }

    /// Records the SQLite store's disk: the free and whole size of its file system, and the database's own bytes.
    public func recordDisk(free: Double, size: Double, database: Double) {
        let gauges: [(String, String, Double)] = [
            ("store_filesystem_free", "Bytes free for the server on the file system of the SQLite database.", free),
            ("store_filesystem_size", "Bytes of the file system of the SQLite database.", size),
            ("store_database", "Bytes of the SQLite database and its write-ahead log.", database),
        ]
        for (name, help, value) in gauges {
            registry.makeGauge(descriptor: Self.name(name, unit: "bytes", help: help), labels: []).set(to: value)
        }
    }

    /// Records a store transaction that failed, by ``StoreError/reason`` (`failed` for any other error).
    public func recordWriteFailure(_ error: any Error) {
        writeFailures((error as? StoreError)?.reason ?? "failed").increment()
    }

    private func writeFailures(_ reason: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("store_write_errors", unit: "total", help: "Store transactions of events that failed (their events were answered 5xx), by reason."),
            labels: [("reason", reason)])
    }

    /// Records one store transaction of the group commit.
    public func recordCommit(events: Int, duration: Duration) {
        commitDuration.record(duration)
        commitBatchSize.record(Double(events))
    }

    /// Why an event is refused: `invalid` (it does not read), `forbidden` (outside its key's groups), or a
    /// ``CapacityRefusal/Reason``.
    public static let refusalReasons = ["invalid", "forbidden"] + CapacityRefusal.Reason.allCases.map(\.rawValue)

    /// Records `count` events refused for `reason` (one of ``refusalReasons``).
    public func recordRefusedEvents(reason: String, count: Int = 1) {
        if count > 0 { refusedEvents(reason).increment(by: Int64(count)) }
    }

    private func refusedEvents(_ reason: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("events_refused", unit: "total",
                                  help: "Events not recorded, by reason: invalid, forbidden (outside the key's groups), group_limit, worker_limit or new_group_rate."),
            labels: [("reason", reason)])
    }

    /// Records the groups and workers kept against their limits, at each scrape.
    public func recordCapacity(_ usage: CapacityUsage) {
        let gauges: [(String, String, Int)] = [
            ("stored_groups", "Groups kept now (the rows of the tree, and the group label of /metrics).", usage.groups),
            ("stored_groups_limit", "Most groups kept (--max-groups); events creating more are refused.", usage.limits.groups),
            ("stored_workers", "Workers kept now, whatever their status.", usage.workers),
            ("stored_workers_limit", "Most workers kept (--max-workers); events creating more are refused.", usage.limits.workers),
        ]
        for (name, help, value) in gauges {
            registry.makeGauge(descriptor: Self.name(name, unit: "", help: help), labels: []).set(to: Double(value))
        }
    }

    /// Records how many workers have heartbeats answered from memory and not yet written, at each scrape.
    public func recordUnwrittenHeartbeats(_ workers: Int) {
        registry.makeGauge(
            descriptor: Self.name("heartbeats_unwritten", unit: "", help: "Workers whose heartbeats were answered from memory and are not yet written."),
            labels: []
        ).set(to: Double(workers))
    }

    /// Records how old the counts per group and status of a scrape were (kept in memory between writes).
    public func recordCountsAge(_ seconds: Double) {
        registry.makeGauge(
            descriptor: Self.name("counts_age", unit: "seconds", help: "How old the counts per group and status of this scrape were."),
            labels: []
        ).set(to: seconds)
    }

    /// Records a request refused for its API key: `missing`, `invalid`, or `forbidden` (a valid key
    /// without the role the route needs).
    public func recordAuthFailure(reason: String) {
        authFailures(reason).increment()
    }

    private func authFailures(_ reason: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("auth_failures", unit: "total", help: "Requests refused for their API key, by reason: missing, invalid or forbidden."),
            labels: [("reason", reason)])
    }

    /// The whole registry in the text exposition format.
    public func exposition() -> String {
        registry.emitToString()
    }

    private static func name(_ metric: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "wokmanager", metricName: metric, unitName: unit, helpText: help)
    }
}
