/// Where SQLite and PostgreSQL spell the same thing differently.
public struct SQLDialect: Sendable {
    /// The placeholder of the n-th bound value (1-based): `?1` or `$1`.
    let placeholder: @Sendable (Int) -> String
    /// The larger of two values: SQLite's scalar `MAX`, PostgreSQL's `GREATEST`.
    let greatest: String
    /// `column` matches the glob bound at `placeholder` (`*` any run, `?` one character).
    let matchesGlob: @Sendable (_ column: String, _ placeholder: String) -> String
    /// The glob as the dialect's pattern: as it is for GLOB, translated for LIKE.
    let globPattern: @Sendable (String) -> String
    /// `column` in a form the planner will not answer through an index (SQLite's unary `+`).
    let withoutIndex: @Sendable (String) -> String
    /// After a table's name: read it through this index (SQLite's `INDEXED BY`, where the planner, without
    /// statistics, would take a worse one); nothing where the planner weighs them by statistics.
    let throughIndex: @Sendable (String) -> String
    /// Appended to a `SELECT` whose rows the transaction will change: empty where one writer is all there is.
    let lockingRows: String
    /// Appended to a `SELECT` of rows to change that another replica may be changing: skip those.
    let lockingFreeRows: String
    /// Serialises writers of the same workers (ids given, at least one), for databases with several
    /// writers; `nil` where there is one writer.
    let lockWorkers: (@Sendable ([String]) -> SQLStatement)?
    /// The multi-row statements' texts in this dialect, built once each.
    let texts = StatementTexts()

    /// SQLite: one writer at a time, so no locks; `GLOB` for globs.
    public static let sqlite = SQLDialect(
        placeholder: { "?\($0)" },
        greatest: "MAX",
        matchesGlob: { column, placeholder in "\(column) GLOB \(placeholder)" },
        globPattern: { $0 },
        withoutIndex: { "+" + $0 },
        throughIndex: { "INDEXED BY " + $0 },
        lockingRows: "",
        lockingFreeRows: "",
        lockWorkers: nil)

    /// PostgreSQL: replicas write at once, so writers take per-worker advisory locks in a fixed order
    /// (a worker not stored yet has no row to lock) and row locks; `LIKE` for globs.
    public static let postgres = SQLDialect(
        placeholder: { "$\($0)" },
        greatest: "GREATEST",
        matchesGlob: { column, placeholder in "\(column) LIKE \(placeholder) ESCAPE '\\'" },
        globPattern: { glob in
            var pattern = ""
            for character in glob {
                switch character {
                case "*": pattern += "%"
                case "?": pattern += "_"
                case "%", "_", "\\": pattern += "\\" + String(character)
                default: pattern.append(character)
                }
            }
            return pattern
        },
        withoutIndex: { $0 },
        throughIndex: { _ in "" },
        lockingRows: "FOR UPDATE",
        lockingFreeRows: "FOR UPDATE SKIP LOCKED",
        lockWorkers: { ids in
            let values = ids.indices.map { "($\($0 + 1))" }.joined(separator: ", ")
            return SQLStatement(
                "SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(x) AS h FROM (VALUES \(values)) AS ids (x)) AS locks ORDER BY h",
                ids.map { .text($0) })
        })
}
