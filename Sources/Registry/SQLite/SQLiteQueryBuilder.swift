import Foundation

/// Collects SQL conditions and their values, numbering parameters as it goes.
struct SQLiteQueryBuilder {
    private(set) var values: [SQLiteValue] = []
    private(set) var conditions: [String] = []

    /// Adds a value and returns its placeholder (`?1`, `?2`, ...).
    mutating func parameter(_ value: SQLiteValue) -> String {
        values.append(value)
        return "?\(values.count)"
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
            add("\(column) GLOB \(parameter(.text(pattern)))")
        }
    }

    /// The expression for a worker's status as shown now: `lost` once a running worker passed its deadline.
    mutating func liveStatus(_ liveness: Liveness) -> String {
        let now = parameter(.real(liveness.now.timeIntervalSince1970))
        let grace = parameter(.real(liveness.graceStart.timeIntervalSince1970))
        let defaultTTL = parameter(.real(liveness.defaultTTL))
        return """
            CASE WHEN status = 'running' AND COALESCE(ttl, \(defaultTTL)) > 0 \
            AND MAX(last_seen, \(grace)) + COALESCE(ttl, \(defaultTTL)) < \(now) THEN 'lost' ELSE status END
            """
    }
}
