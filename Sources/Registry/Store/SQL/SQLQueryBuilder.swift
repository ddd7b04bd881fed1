import Foundation

/// Collects SQL conditions and their values, numbering parameters as it goes.
struct SQLQueryBuilder {
    let dialect: SQLDialect
    private(set) var values: [SQLValue] = []
    private(set) var conditions: [String] = []

    init(_ dialect: SQLDialect) {
        self.dialect = dialect
    }

    /// Adds a value and returns its placeholder.
    mutating func parameter(_ value: SQLValue) -> String {
        values.append(value)
        return dialect.placeholder(values.count)
    }

    mutating func add(_ condition: String) {
        conditions.append(condition)
    }

    /// `WHERE a AND b`, or nothing when there are no conditions.
    var whereClause: String {
        conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }

    /// Adds the condition for a group filter on `column`.
    mutating func addGroup(_ filter: GroupFilter?, column: String = "grp") {
        switch filter {
        case nil:
            break
        case .subtree(let group):
            // `product` or anything starting `product.`; '/' sorts right after '.', so the range uses the index.
            add("(\(column) = \(parameter(.text(group))) OR (\(column) >= \(parameter(.text(group + "."))) AND \(column) < \(parameter(.text(group + "/")))))")
        case .glob(let pattern):
            // A glob like `product.*` matches most groups: walking the id order and stopping at the page's
            // end beats reading every match through the group index and sorting them.
            add(dialect.matchesGlob(dialect.withoutIndex(column), parameter(.text(dialect.globPattern(pattern)))))
        }
    }

    /// Adds the condition for an id that is either exact or a glob.
    mutating func addID(_ pattern: String) {
        if pattern.contains(where: { $0 == "*" || $0 == "?" }) {
            add(dialect.matchesGlob("id", parameter(.text(dialect.globPattern(pattern)))))
        } else {
            add("id = \(parameter(.text(pattern)))")
        }
    }

    /// The expression for a worker's status as shown now: `lost` once a running worker passed its deadline.
    mutating func liveStatus(_ liveness: Liveness) -> String {
        "CASE WHEN \(isExpired(liveness)) THEN 'lost' ELSE status END"
    }

    /// The condition for a running worker past its deadline (its TTL after its last event, or after the
    /// restart grace start if that is later).
    mutating func isExpired(_ liveness: Liveness) -> String {
        let now = parameter(.real(liveness.now.timeIntervalSince1970))
        let grace = parameter(.real(liveness.graceStart.timeIntervalSince1970))
        let defaultTTL = parameter(.real(liveness.defaultTTL))
        return """
            status = 'running' AND COALESCE(ttl, \(defaultTTL)) > 0 \
            AND \(dialect.greatest)(last_received_at, \(grace)) + COALESCE(ttl, \(defaultTTL)) < \(now)
            """
    }
}
