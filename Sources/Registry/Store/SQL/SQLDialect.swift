/// Where SQLite and PostgreSQL spell the same thing differently.
struct SQLDialect: Sendable {
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

    static let sqlite = SQLDialect(
        placeholder: { "?\($0)" },
        greatest: "MAX",
        matchesGlob: { column, placeholder in "\(column) GLOB \(placeholder)" },
        globPattern: { $0 },
        withoutIndex: { "+" + $0 })

    static let postgres = SQLDialect(
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
        withoutIndex: { $0 })
}
