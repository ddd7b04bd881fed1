import Foundation

/// Reads a row of the `problems` table by column name.
enum ProblemRow {
    /// The table's columns, in the order of its definition.
    static let columns = "id, kind, scope, subject, grp, opened_at, resolved_at, resolution, acknowledged_by, acknowledged_at, note, detail"

    /// The problem of `row`, with ``Problem/silencedBy`` read from `silencedByColumn` when the query selects one.
    static func problem(from row: any SQLRow, silencedByColumn: String? = nil) throws -> Problem {
        let kindName = try row.text("kind")
        guard let kind = ProblemKind(rawValue: kindName) else { throw StoreError.badColumn("kind", "'\(kindName)'", expected: "a problem kind") }
        let acknowledgement = try row.optionalText("acknowledged_by").map { by in
            Acknowledgement(by: by, at: try row.date("acknowledged_at"), note: try row.optionalText("note"))
        }
        return Problem(
            id: Int64(try row.int("id")), kind: kind, subject: try subject(row), group: try row.text("grp"), openedAt: try row.date("opened_at"),
            resolvedAt: try row.optionalDate("resolved_at"), resolution: try row.optionalText("resolution"), acknowledgement: acknowledgement,
            detail: try row.optionalText("detail"), silencedBy: try silencedByColumn.flatMap { try row.optionalInt($0) }.map(Int64.init))
    }

    /// The subject of a row with `scope` and `subject` columns (problems, silences, expectations).
    static func subject(_ row: any SQLRow) throws -> Subject {
        let scope = try row.text("scope"), name = try row.text("subject")
        switch scope {
        case "group": return .group(name)
        case "worker": return .worker(name)
        default: throw StoreError.badColumn("scope", "'\(scope)'", expected: "'group' or 'worker'")
        }
    }
}
