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
        /// Why a failed or lost worker is so, shown beside its status: its exit code and the error that ended its run, or how long it has been silent.
        let reason: String?
        let lastSeen: PageTime
        let uptime: String?
        let host: String?
        let version: String?
        let message: String?
        let errorCount: Int
    }

    /// The same error (group, message and action) reported one or more times: the newest of them.
    struct ErrorRow: Sendable {
        let at: PageTime
        let workerID: String
        let workerLink: String
        let group: String
        let groupLink: String
        let message: String?
        let action: String?
        /// How many of the errors read were this one.
        let count: Int
    }

    /// What was wrong with the filters of the URL, next to each field (that filter was left out).
    struct FieldErrors: Sendable {
        var group: String?
        var status: String?
        var search: String?
        var any: Bool { group != nil || status != nil || search != nil }
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
    let fieldErrors: FieldErrors
    /// The "needs attention" view of the selection: its lost and failed workers.
    let attentionLink: String
    let workers: [WorkerRow]
    let nextPage: String?
    let firstPage: String?
    let errors: [ErrorRow]
    /// How many of the newest errors the list groups.
    let errorsRead: Int
    let generatedAt: PageTime
}

extension StatusPage {
    /// Workers listed on one page.
    static let pageSize = 50
    /// Error groups listed.
    static let errorCount = 20
    /// The newest errors grouped into them.
    static let errorsRead = 500

    /// The filters a status page URL carries: `group`, `status` (one or more, comma-separated or repeated),
    /// `q` (text in the id, host, version or latest message) and `cursor`. A value that is wrong is left out
    /// and named in ``errors``, so the page still shows, with the message next to its field.
    struct Filters: Sendable {
        var group: GroupFilter?
        /// The group as the URL spells it, when it is right.
        var groupText: String?
        /// The group as typed, right or wrong: the field shows it again.
        var groupInput: String?
        var statuses: Set<WorkerStatus> = []
        var search: String?
        var cursor: String?
        var errors = FieldErrors()

        init(group: String? = nil, statuses: [String] = [], search: String? = nil, cursor: String? = nil) {
            groupInput = group
            if let group {
                do {
                    self.group = try GroupFilter(parsing: group)
                    groupText = group
                } catch {
                    errors.group = error.message
                }
            }
            for name in statuses {
                do {
                    self.statuses.insert(try QueryParameters.status(named: name))
                } catch {
                    errors.status = error.message
                }
            }
            if let search, search.unicodeScalars.count > WorkerQuery.maxSearchLength {
                errors.search = "at most \(WorkerQuery.maxSearchLength) characters"
            } else {
                self.search = search
            }
            self.cursor = cursor
        }

        /// The statuses as the URL spells them, in a fixed order.
        var statusText: String? {
            statuses.isEmpty ? nil : WorkerStatus.allCases.filter(statuses.contains).map(\.rawValue).joined(separator: ",")
        }

        /// This view with another cursor.
        func link(cursor: String?) -> String {
            PageLinks.status([("group", groupText), ("status", statusText), ("q", search), ("cursor", cursor)])
        }

        /// This view of another group (a tree node): the status filter and the search stay.
        func link(group: String) -> String {
            PageLinks.status([("group", group), ("status", statusText), ("q", search)])
        }
    }

    /// Gathers what the page shows from the registry.
    static func build(registry: WorkerRegistry, filters: Filters) async throws -> StatusPage {
        let now = registry.clock.now()
        async let tree = registry.domainTree()
        async let page = registry.workers(
            WorkerQuery(group: filters.group, statuses: filters.statuses, search: filters.search, limit: pageSize, after: filters.cursor))
        async let errors = registry.history(HistoryQuery(group: filters.group, events: [.error], limit: errorsRead))
        async let newest = registry.newestEventTime()
        async let problems = registry.problems(ProblemQuery(group: filters.group, limit: problemCount))
        async let silences = registry.silences()

        let root = try await tree
        let workers = try await page
        let endingErrors = try await registry.endingErrors(of: workers.workers)
        return StatusPage(
            summary: Summary(
                problems: root.problems.open, acknowledged: root.problems.acknowledged > 0 ? root.problems.acknowledged : nil, running: root.counts.running, lost: root.counts.lost, failed: root.counts.failed, stopped: root.counts.stopped,
                newestEvent: try await newest.map { PageTime($0, now: now) }),
            problems: try await problems.map { problemLine($0, now: now) },
            silences: try await silences.map { silenceLine($0, now: now) },
            tree: root.children.isEmpty ? nil : treeHTML(root.children, selected: filters.groupText, link: filters.link(group:)),
            selection: filters.groupText ?? "all groups",
            groupFilter: filters.groupInput ?? "",
            search: filters.search ?? "",
            statusOptions: WorkerStatus.allCases.map { Option(value: $0.rawValue, label: $0.rawValue, selected: filters.statuses.contains($0)) },
            fieldErrors: filters.errors,
            attentionLink: PageLinks.status([("group", filters.groupText), ("status", "lost,failed")]),
            workers: workers.workers.map { row($0, endingError: endingErrors[$0.id], now: now) },
            nextPage: workers.nextCursor.map { filters.link(cursor: $0) },
            firstPage: filters.cursor == nil ? nil : filters.link(cursor: nil),
            errors: errorGroups(try await errors, now: now),
            errorsRead: errorsRead,
            generatedAt: PageTime(now, now: now))
    }

    private static func row(_ worker: Worker, endingError: HistoryEntry?, now: Date) -> WorkerRow {
        let reason: String? = switch worker.status {
        case .failed: worker.failureReason(endingError: endingError)
        case .lost: "silent for " + TimeText.span(now.timeIntervalSince(worker.lastSeen))
        case .running, .stopped: nil
        }
        return WorkerRow(
            id: worker.id, link: PageLinks.worker(worker.id), group: worker.group, groupLink: PageLinks.group(worker.group),
            status: worker.status.rawValue, reason: reason, lastSeen: PageTime(worker.lastSeen, now: now),
            uptime: worker.status == .running ? TimeText.span(now.timeIntervalSince(worker.runStartedAt)) : nil,
            host: worker.host, version: worker.version, message: worker.message, errorCount: worker.errorCount)
    }

    /// `entries` (newest first) grouped by group, message and action, each group at its newest, newest first.
    static func errorGroups(_ entries: [HistoryEntry], now: Date) -> [ErrorRow] {
        struct Key: Hashable {
            let group: String
            let message: String?
            let action: String?
        }
        var groups: [Key: (newest: HistoryEntry, count: Int)] = [:]
        var order: [Key] = []
        for entry in entries {
            let key = Key(group: entry.group, message: entry.message, action: entry.action)
            if let seen = groups[key] {
                groups[key] = (seen.newest, seen.count + 1)
            } else {
                groups[key] = (entry, 1)
                order.append(key)
            }
        }
        return order.prefix(errorCount).compactMap { key in
            groups[key].map { entry, count in
                ErrorRow(
                    at: PageTime(entry.at, now: now), workerID: entry.workerID, workerLink: PageLinks.worker(entry.workerID),
                    group: entry.group, groupLink: PageLinks.group(entry.group), message: entry.message, action: entry.action, count: count)
            }
        }
    }
}
