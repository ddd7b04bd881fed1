import Foundation
import Registry

/// What the status page shows: the summary, the domain tree, the selected workers and the recent errors.
struct StatusPage: Sendable {
    struct Summary: Sendable {
        /// Open, unacknowledged problems: what needs someone.
        let problems: Int
        /// Open, acknowledged ones; `nil` when there are none (the template shows them only then).
        let acknowledged: Int?
        let running: Int
        let lost: Int
        let failed: Int
        let stopped: Int
        let newestEvent: PageTime?
    }

    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct WorkerRow: Sendable {
        let id: String
        let link: String
        let group: String
        let groupLink: String
        let status: String
        let lastSeen: PageTime
        let uptime: String?
        let host: String?
        let version: String?
        let message: String?
        let errorCount: Int
    }

    struct ErrorRow: Sendable {
        let at: PageTime
        let workerID: String
        let workerLink: String
        let group: String
        let message: String?
        let action: String?
    }

    let summary: Summary
    /// Open problems, unacknowledged first, newest first.
    let problems: [ProblemLine]
    /// Active silences, newest first.
    let silences: [SilenceLine]
    /// The domain tree's list items as HTML, escaped already (see `treeHTML`); `nil` when no worker has reported.
    let tree: String?
    let selection: String
    let groupFilter: String
    let search: String
    let statusOptions: [Option]
    let workers: [WorkerRow]
    let nextPage: String?
    let firstPage: String?
    let errors: [ErrorRow]
    let generatedAt: PageTime
}

extension StatusPage {
    /// Workers listed on one page.
    static let pageSize = 50
    /// Recent errors listed.
    static let errorCount = 20

    /// The filters a status page URL carries: `group`, `status`, `q` (id search) and `cursor`.
    struct Filters: Sendable {
        var group: String?
        var status: WorkerStatus?
        var search: String?
        var cursor: String?

        /// The link to this view with another cursor.
        func link(cursor: String?) -> String {
            PageLinks.status([("group", group), ("status", status?.rawValue), ("q", search), ("cursor", cursor)])
        }
    }

    /// Gathers what the page shows from the registry.
    static func build(registry: WorkerRegistry, filters: Filters) async throws -> StatusPage {
        let now = registry.clock.now()
        let groupFilter = try filters.group.map { try GroupFilter(parsing: $0) }
        let idPattern = try filters.search.map { text throws(EventValidationError) in try IDPattern(containing: text, field: "q") }
        async let tree = registry.domainTree()
        async let page = registry.workers(
            WorkerQuery(id: idPattern, group: groupFilter, statuses: Set(filters.status.map { [$0] } ?? []),
                        limit: pageSize, after: filters.cursor))
        async let errors = registry.history(HistoryQuery(group: groupFilter, events: [.error], limit: errorCount))
        async let newest = registry.newestEventTime()
        async let problems = registry.problems(ProblemQuery(group: groupFilter, limit: problemCount))
        async let silences = registry.silences()

        let root = try await tree
        let workers = try await page
        return StatusPage(
            summary: Summary(
                problems: root.problems.open, acknowledged: root.problems.acknowledged > 0 ? root.problems.acknowledged : nil, running: root.counts.running, lost: root.counts.lost, failed: root.counts.failed, stopped: root.counts.stopped,
                newestEvent: try await newest.map { PageTime($0, now: now) }),
            problems: try await problems.map { problemLine($0, now: now) },
            silences: try await silences.map { silenceLine($0, now: now) },
            tree: root.children.isEmpty ? nil : treeHTML(root.children, selected: filters.group),
            selection: filters.group ?? "all groups",
            groupFilter: filters.group ?? "",
            search: filters.search ?? "",
            statusOptions: [Option(value: "", label: "any status", selected: filters.status == nil)]
                + WorkerStatus.allCases.map { Option(value: $0.rawValue, label: $0.rawValue, selected: filters.status == $0) },
            workers: workers.workers.map { row($0, now: now) },
            nextPage: workers.nextCursor.map { filters.link(cursor: $0) },
            firstPage: filters.cursor == nil ? nil : filters.link(cursor: nil),
            errors: try await errors.map { errorRow($0, now: now) },
            generatedAt: PageTime(now, now: now))
    }

    private static func row(_ worker: Worker, now: Date) -> WorkerRow {
        WorkerRow(
            id: worker.id, link: PageLinks.worker(worker.id), group: worker.group, groupLink: PageLinks.group(worker.group),
            status: worker.status.rawValue, lastSeen: PageTime(worker.lastSeen, now: now),
            uptime: worker.status == .running ? TimeText.span(now.timeIntervalSince(worker.runStartedAt)) : nil,
            host: worker.host, version: worker.version, message: worker.message, errorCount: worker.errorCount)
    }

    static func errorRow(_ entry: HistoryEntry, now: Date) -> ErrorRow {
        ErrorRow(
            at: PageTime(entry.at, now: now), workerID: entry.workerID, workerLink: PageLinks.worker(entry.workerID),
            group: entry.group, message: entry.message, action: entry.action)
    }
}
