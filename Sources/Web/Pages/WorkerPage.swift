import Foundation
import Registry

/// What a worker's page shows: its fields, labels, messages, errors and the timeline of its states.
struct WorkerPage: Sendable {
    struct Label: Sendable {
        let key: String
        let value: String
    }

    /// One of the numbers the worker reported: its latest value, and whether it counts (`_total`) or is a gauge.
    struct Number: Sendable {
        let name: String
        let value: String
        let kind: String
    }

    struct Entry: Sendable {
        let at: PageTime
        let event: String
        let status: String?
        let message: String?
        let action: String?
        let exitCode: Int?
        let late: Bool
    }

    let id: String
    let group: String
    let groupLink: String
    let status: String
    let statusSince: PageTime
    let runStarted: PageTime
    let uptime: String?
    let lastSeen: PageTime
    let ttl: String
    let host: String?
    let pid: Int?
    let version: String?
    let exitCode: Int?
    let heartbeats: Int
    let errorCount: Int
    let message: String?
    let labels: [Label]
    let numbers: [Number]
    let messages: [Entry]
    let errors: [Entry]
    let timeline: [Entry]
    /// Its recent runs drawn; `nil` before a first run is kept.
    let runs: WorkerTimeline?
    let generatedAt: PageTime
    /// The signed-in browser, if any: an admin gets the silence and deregister actions.
    let viewer: Viewer?
    let link: String
    let silenceDurations = PageSilence.durations

    init(_ detail: WorkerDetail, liveness: Liveness, viewer: Viewer?) {
        self.viewer = viewer
        let worker = detail.worker
        let now = liveness.now
        id = worker.id
        group = worker.group
        groupLink = PageLinks.group(worker.group)
        link = PageLinks.worker(worker.id)
        status = worker.status.rawValue
        statusSince = PageTime(worker.statusSince, now: now)
        runStarted = PageTime(worker.runStartedAt, now: now)
        uptime = worker.status == .running ? TimeText.span(now.timeIntervalSince(worker.runStartedAt)) : nil
        lastSeen = PageTime(worker.lastSeen, now: now)
        let ttlSeconds = liveness.ttl(of: worker)
        ttl = ttlSeconds > 0 ? TimeText.span(ttlSeconds) + (worker.ttl == nil ? " (server default)" : "") : "none (never lost)"
        host = worker.host
        pid = worker.pid
        version = worker.version
        exitCode = worker.exitCode
        heartbeats = worker.heartbeats
        errorCount = worker.errorCount
        message = worker.message
        labels = worker.labels.sorted { $0.key < $1.key }.map { Label(key: $0.key, value: $0.value) }
        numbers = worker.metrics.sorted { $0.key < $1.key }.map {
            Number(name: $0.key, value: WorkerMetric.text($0.value), kind: WorkerMetric.isCounter($0.key) ? "counter" : "gauge")
        }
        messages = detail.messages.map { Self.entry($0, now: now) }
        errors = detail.errors.map { Self.entry($0, now: now) }
        timeline = detail.history.map { Self.entry($0, now: now) }
        runs = WorkerTimeline(changes: detail.history, errors: detail.errors, now: now)
        generatedAt = PageTime(now, now: now)
    }

    private static func entry(_ entry: HistoryEntry, now: Date) -> Entry {
        Entry(
            at: PageTime(entry.at, now: now), event: entry.event.rawValue, status: entry.status?.rawValue, message: entry.message,
            action: entry.action, exitCode: entry.exitCode, late: entry.late)
    }
}
