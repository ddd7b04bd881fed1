import Foundation

/// Collects SQL conditions and their values, numbering parameters as it goes.
struct SQLQueryBuilder {
    let dialect: SQLDialect
    private(set) var values: [SQLValue] = []
    private(set) var conditions: [String] = []

    init(_ dialect: SQLDialect) {
        self.dialect = dialect
    }

    /// A builder for a part of a larger statement whose earlier parts bound `values`: its placeholders number on from theirs.
    init(_ dialect: SQLDialect, numberingAfter values: [SQLValue]) {
        self.dialect = dialect
        self.values = values
    }

    /// Takes over the values of a part made with ``init(_:numberingAfter:)`` from this builder's values (its conditions stay its own).
    mutating func adopt(_ part: SQLQueryBuilder) {
        values = part.values
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

    /// The condition that `column` is a group strictly below `group` (starts with `group.`): a range, as '/' sorts
    /// right after '.', so it is read from an index.
    mutating func below(_ group: String, column: String = "grp") -> String {
        "(\(column) >= \(parameter(.text(group + "."))) AND \(column) < \(parameter(.text(group + "/"))))"
    }

    /// Adds the condition for a group filter on `column`.
    mutating func addGroup(_ filter: GroupFilter?, column: String = "grp") {
        switch filter {
        case nil:
            break
        case .subtree(let group):
            add("(\(column) = \(parameter(.text(group))) OR \(below(group, column: column)))")
        case .glob(let pattern):
            // A glob like `product.*` matches most groups: walking the id order and stopping at the page's
            // end beats reading every match through the group index and sorting them.
            add(dialect.matchesGlob(dialect.withoutIndex(column), parameter(.text(dialect.globPattern(pattern)))))
        }
    }

    /// Adds the condition that one of `columns` contains `text`, ignoring case as the database's `lower` does
    /// (SQLite's knows only ASCII letters), with `%`, `_` and `\` in `text` taken literally.
    mutating func addSearch(_ text: String, in columns: [String]) {
        var pattern = "%"
        for character in text {
            if character == "%" || character == "_" || character == "\\" { pattern.append("\\") }
            pattern.append(character)
        }
        let placeholder = parameter(.text(pattern + "%"))
        add("(" + columns.map { "lower(\($0)) LIKE lower(\(placeholder)) ESCAPE '\\'" }.joined(separator: " OR ") + ")")
    }

    /// Adds the condition for an id that is either exact or a glob.
    mutating func addID(_ pattern: IDPattern) {
        switch pattern {
        case .exact(let id): add("id = \(parameter(.text(id)))")
        case .glob(let glob): add(dialect.matchesGlob("id", parameter(.text(dialect.globPattern(glob)))))
        }
    }

    /// The expression for a worker's status as shown now: `lost` once a running worker passed its deadline.
    mutating func liveStatus(_ liveness: Liveness) -> String {
        "CASE WHEN \(isExpired(liveness)) THEN 'lost' ELSE status END"
    }

    /// The condition for a running worker past its deadline (its TTL after its last event, or after the
    /// restart grace start if that is later).
    mutating func isExpired(_ liveness: Liveness) -> String {
        let expiry = expiryConditions(liveness)
        return "((\(expiry.ownTTL)) OR (\(expiry.defaultTTL)))"
    }

    /// The running workers past their deadline as two `FROM … WHERE …` sources, one per half of `expiry`
    /// (from ``expiryConditions(_:)``), each read through its partial index: an `OR` of the halves, or an index
    /// that leads with the status, would read every running worker.
    func expiredSources(_ expiry: (ownTTL: String, defaultTTL: String)) -> [String] {
        [
            "workers \(dialect.throughIndex("workers_expiry")) WHERE \(expiry.ownTTL)",
            "workers \(dialect.throughIndex("workers_expiry_default")) WHERE \(expiry.defaultTTL)",
        ]
    }

    /// ``isExpired(_:)`` in two halves, one per partial index (`workers_expiry`, `workers_expiry_default`):
    /// each half repeats its index's condition and compares its indexed expression with a bound, so that
    /// SQLite and PostgreSQL read only the expired workers. `MAX(last_received_at, grace) + ttl < now` is
    /// written as two comparisons, which is the same because adding the TTL keeps the order.
    mutating func expiryConditions(_ liveness: Liveness) -> (ownTTL: String, defaultTTL: String) {
        let now = parameter(.real(liveness.now.timeIntervalSince1970))
        let grace = parameter(.real(liveness.graceStart.timeIntervalSince1970))
        let defaultTTL = parameter(.real(liveness.defaultTTL))
        let ownTTL = "status = 'running' AND ttl > 0 AND last_received_at + ttl < \(now) AND \(grace) + ttl < \(now)"
        // `last_received_at <= now - ttl` is the range the index serves; it holds whenever the exact test
        // after it does, rounding included.
        let onDefault = """
            status = 'running' AND ttl IS NULL AND \(defaultTTL) > 0 AND last_received_at <= \(now) - \(defaultTTL) \
            AND last_received_at + \(defaultTTL) < \(now) AND \(grace) + \(defaultTTL) < \(now)
            """
        return (ownTTL, onDefault)
    }
}
