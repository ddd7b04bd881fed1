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
        /// When the counts were judged (kept in memory between writes, at most a second old).
        let countedAt: PageTime
    }

    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    /// The chart of the selected subtree, and the links to its other spans.
    struct Chart: Sendable {
        /// The inline SVG, escaped already (``SeriesChart``).
        let svg: String
        /// What the chart shows, in words: its text alternative, shown under it too.
        let summary: String
        let spans: [SpanLink]
    }

    /// A number the selection's workers report, summed over its groups: a gauge of its running workers, or a counter.
    struct NumberRow: Sendable {
        let name: String
        let sum: String
        /// The lowest and highest value and how many running workers report it; `nil` for a counter.
        let range: String?
        let workers: Int?
    }

    struct SpanLink: Sendable {
        let label: String
        let link: String
        let current: Bool
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

    let summary: Summary
    /// A warning for each capacity limit 80 % used or more (``capacityWarnings(_:)``).
    let capacityWarnings: [String]
    /// Open problems, unacknowledged first, newest first.
    let problems: [ProblemLine]
    /// Active silences, newest first.
    let silences: [SilenceLine]
    /// The domain tree's list items as HTML, escaped already (see `treeHTML`); `nil` when no worker has reported.
    let tree: String?
    /// `nil` for a glob, which is no one subtree.
    let chart: Chart?
    /// The numbers the selected subtree's workers report: gauges, then counters.
    let numbers: [NumberRow]
    let selection: String
    let groupFilter: String
    let search: String
    let statusOptions: [Option]
    let fieldErrors: FieldErrors
    /// The "needs attention" view of the selection: its lost and failed workers.
    let attentionLink: String
    let columns: [Column]
    let workers: [WorkerRow]
    let paging: Paging
    /// The order and page size, carried by the filter form.
    let sort: String?
    let direction: String?
    /// The chart's span, when not the hour, carried by the filter form.
    let chartSpan: String?
    let errors: [ErrorRow]
    /// How many of the newest errors the list groups.
    let errorsRead: Int
    let generatedAt: PageTime
    /// The signed-in browser, if any: the header, and the action buttons for an admin.
    let viewer: Viewer?
    /// This page's address, where an action's form comes back to.
    let returnTo: String
    /// The group the page is filtered to (not a glob), which an admin may silence from here.
    let silenceGroup: String?
    let silenceDurations: [String]
}

extension StatusPage {
    /// Workers listed on one page.
    static let pageSize = 50
    /// Error groups listed.
    static let errorCount = 20
    /// The newest errors grouped into them.
    static let errorsRead = 500

    /// How much of the domain tree the page shows: at the group limit it stays a page (BENCHMARKS.md has its size).
    static func treeBounds(focus: String?) -> TreeBounds {
        TreeBounds(childrenPerNode: 50, focusedChildren: 500, nodes: 500, focus: focus)
    }

    /// Gathers what the page shows from the registry.
    static func build(registry: WorkerRegistry, filters: Filters, viewer: Viewer?, sparklines cache: SparklineCache) async throws -> StatusPage {
        let now = registry.clock.now()
        async let tree = registry.countedDomainTree()
        async let errors = registry.history(HistoryQuery(group: filters.group, events: [.error], limit: errorsRead))
        async let newest = registry.newestEventTime()
        async let problems = registry.problems(ProblemQuery(group: filters.group, limit: problemCount))
        async let silences = registry.silences()
        async let sparklines = cache.sparklines(registry: registry, now: now)
        async let numbers = Self.numbers(filters, registry: registry)
        async let usage = registry.capacityUsage()
        let chartQuery = filters.chartNode.map { SeriesQuery.last(filters.chart, node: $0, now: now) }
        async let chartPoints = Self.points(chartQuery, registry: registry)

        let (root, countedAt) = try await tree
        let shownTree = root.bounded(treeBounds(focus: filters.groupText))
        let selection = filters.groupText ?? "all groups"
        let total = try await total(filters, tree: root, registry: registry)
        let paging = paging(total: total, selection: selection, filters: filters)
        var query = filters.query
        query.offset = (paging.page - 1) * filters.size
        let workers = try await registry.workers(query)
        let endingErrors = try await registry.endingErrors(of: workers.workers)
        return StatusPage(
            summary: Summary(
                problems: root.problems.open, acknowledged: root.problems.acknowledged > 0 ? root.problems.acknowledged : nil, running: root.counts.running, lost: root.counts.lost, failed: root.counts.failed, stopped: root.counts.stopped,
                newestEvent: try await newest.map { PageTime($0, now: now) }, countedAt: PageTime(countedAt, now: now)),
            capacityWarnings: capacityWarnings(try await usage),
            problems: try await problems.map { problemLine($0, now: now) },
            silences: try await silences.map { silenceLine($0, now: now) },
            tree: root.children.isEmpty ? nil : treeHTML(
                shownTree.children, hiddenTopLevel: shownTree.hiddenChildren, selected: filters.groupText, link: { filters.link(group: $0) },
                sparklines: try await sparklines),
            chart: try await chartPoints.map { query, points in
                chart(query, points: points, now: root.node(at: query.node)?.counts ?? StatusCounts(), selection: selection, filters: filters)
            },
            numbers: try await numbers,
            selection: selection,
            groupFilter: filters.groupInput ?? "",
            search: filters.search ?? "",
            statusOptions: WorkerStatus.allCases.map { Option(value: $0.rawValue, label: $0.rawValue, selected: filters.statuses.contains($0)) },
            fieldErrors: filters.errors,
            attentionLink: PageLinks.status([("group", filters.groupText), ("status", "lost,failed")]),
            columns: columns(filters),
            workers: workers.workers.map { row($0, endingError: endingErrors[$0.id], now: now) },
            paging: paging,
            sort: filters.order.key == WorkerOrder.bySeverity.key ? nil : filters.order.key.rawValue,
            direction: filters.order.descending ? "desc" : nil,
            chartSpan: filters.chart == .hour ? nil : filters.chart.rawValue,
            errors: errorGroups(try await errors, now: now),
            errorsRead: errorsRead,
            generatedAt: PageTime(now, now: now), viewer: viewer, returnTo: filters.link(page: paging.page),
            silenceGroup: filters.group.flatMap { if case .subtree(let path) = $0 { path } else { nil } },
            silenceDurations: PageSilence.durations)
    }

    /// The share of a limit in use, in percent, from which the page warns of it.
    static let capacityWarningPercent = 80

    /// A sentence for each limit of `usage` used at ``capacityWarningPercent`` or more: how full, what happens at
    /// the limit, and the usual cause.
    static func capacityWarnings(_ usage: CapacityUsage) -> [String] {
        var warnings: [String] = []
        func share(_ used: Int, _ limit: Int) -> Int { used * 100 / max(limit, 1) }
        if share(usage.groups, usage.limits.groups) >= capacityWarningPercent {
            warnings.append(
                "\(usage.groups) of at most \(usage.limits.groups) groups are kept (\(share(usage.groups, usage.limits.groups)) %): "
                    + "at the limit, events that would create a group are refused (--max-groups). The usual cause is something that varies "
                    + "per run, such as an id or a number, in the group instead of the worker id.")
        }
        if share(usage.workers, usage.limits.workers) >= capacityWarningPercent {
            warnings.append(
                "\(usage.workers) of at most \(usage.limits.workers) workers are kept (\(share(usage.workers, usage.limits.workers)) %): "
                    + "at the limit, events of new workers are refused (--max-workers). Stopped workers leave after --retention.")
        }
        return warnings
    }

    /// The numbers of the selected subtree; none for the whole tree or a pattern, whose sums would read every
    /// running worker's numbers on every page (`/metrics` has them per group).
    private static func numbers(_ filters: Filters, registry: WorkerRegistry) async throws -> [NumberRow] {
        guard case .subtree = filters.group else { return [] }
        let numbers = try await registry.reportedNumbers(in: filters.group)
        return numbers.gauges.map {
            NumberRow(name: $0.name, sum: WorkerMetric.text($0.sum), range: WorkerMetric.text($0.min) + " to " + WorkerMetric.text($0.max), workers: $0.workers)
        } + numbers.counters.map { NumberRow(name: $0.name, sum: WorkerMetric.text($0.value), range: nil, workers: nil) }
    }

    private static func points(_ query: SeriesQuery?, registry: WorkerRegistry) async throws -> (query: SeriesQuery, points: [SeriesPoint])? {
        guard let query else { return nil }
        return (query, try await registry.series(query))
    }

    private static func chart(_ query: SeriesQuery, points: [SeriesPoint], now: StatusCounts, selection: String, filters: Filters) -> Chart {
        let span = filters.chart.rawValue
        let summary = SeriesChart.summary(points, now: now, span: span)
        return Chart(
            svg: SeriesChart.chart(points, query: query, title: "Workers of \(selection) over the last \(span)"),
            summary: summary,
            spans: SeriesSpan.allCases.map { SpanLink(label: "Last \($0.rawValue)", link: filters.link(chart: $0), current: $0 == filters.chart) })
    }

    /// How many workers the view lists: read from the tree's counts when it is a subtree without a search,
    /// counted in the store otherwise.
    private static func total(_ filters: Filters, tree: DomainNode, registry: WorkerRegistry) async throws -> Int {
        func listed(in node: DomainNode) -> Int {
            filters.statuses.isEmpty ? node.counts.total : filters.statuses.reduce(0) { $0 + node.counts[$1] }
        }
        if filters.search == nil {
            switch filters.group {
            case nil: return listed(in: tree)
            case .subtree(let path): return tree.node(at: path).map(listed(in:)) ?? 0
            case .glob: break
            }
        }
        return try await registry.countWorkers(filters.query)
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
