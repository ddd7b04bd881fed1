extension WorkerSQL {
    /// A page of workers by severity (failed, lost, running, stopped), each status the most recently seen first.
    ///
    /// One branch per status reads at most the rows up to the page's end, in the order of `workers_by_status_seen`
    /// (the lost: the stored ones and each half of the expiry rule through its partial index), so a page does not
    /// sort every worker; the branches' few rows are then merged.
    func workersBySeverity(_ query: WorkerQuery, liveness: Liveness) -> SQLStatement {
        var builder = SQLQueryBuilder(dialect)
        let expiry = builder.expiryConditions(liveness)
        var filters = SQLQueryBuilder(dialect, numberingAfter: builder.values)
        if let pattern = query.id { filters.addID(pattern) }
        filters.addGroup(query.group)
        if let search = query.search { filters.addSearch(search, in: Self.searchedColumns) }
        builder.adopt(filters)
        let end = builder.parameter(.integer(query.offset + query.limit + 1))
        let expired = "(\(expiry.ownTTL)) OR (\(expiry.defaultTTL))"
        // A group (or an id) picks few workers: read them through its index and sort them, rather than walk a
        // status's newest through `workers_by_status_seen` looking for them.
        let narrow: Bool = switch (query.group, query.id) {
        case (.subtree?, _), (_, .exact?): true
        default: false
        }
        let status = narrow ? dialect.withoutIndex("status") : "status"
        // Each status, the most severe first (``WorkerStatus``'s order), as one or more `FROM … WHERE …` sources.
        let ranked = WorkerStatus.allCases.sorted(by: >).enumerated().filter { query.statuses.isEmpty || query.statuses.contains($0.element) }
        let branches = ranked.map { rank, listed in
            let parts: [String] = switch listed {
            case .lost: ["workers WHERE \(status) = 'lost'"] + builder.expiredSources(expiry)
            case .running: ["workers WHERE \(status) = 'running' AND (CASE WHEN \(expired) THEN 0 ELSE 1 END) = 1"]
            case .failed, .stopped: ["workers WHERE \(status) = '\(listed.rawValue)'"]
            }
            let selects = parts.map { source in
                "SELECT \(Self.workerColumns), '\(listed.rawValue)' AS \(Self.liveStatus), \(rank) AS severity FROM "
                    + ([source] + filters.conditions).joined(separator: " AND ")
            }
            return "SELECT * FROM (SELECT * FROM (\(selects.joined(separator: " UNION ALL "))) AS parts ORDER BY last_seen DESC, id LIMIT \(end)) AS s\(rank)"
        }
        let limit = builder.parameter(.integer(query.limit + 1))
        let offset = query.offset > 0 ? " OFFSET \(builder.parameter(.integer(query.offset)))" : ""
        let direction = query.order.descending ? " DESC" : ""
        return SQLStatement(
            "SELECT * FROM (\(branches.joined(separator: " UNION ALL "))) AS listed ORDER BY severity\(direction), last_seen DESC, id LIMIT \(limit)\(offset)",
            builder.values)
    }
}
