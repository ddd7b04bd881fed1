import Foundation

/// The statements a heartbeat flush runs: many workers' last-seen times in one multi-row `UPDATE`.
struct HeartbeatSQL: Sendable {
    let dialect: SQLDialect

    /// Most workers one statement writes (5 values each, below both databases' limit of bound values).
    static let rowsPerStatement = 4096

    /// The statements writing `touches`, each returning the ids it updated: only a worker still running in the
    /// run a touch belongs to changes. Statements carry a power of two of rows (padded with an id no worker has), so
    /// few texts are ever prepared; where replicas write at once, rows another transaction holds are skipped. The rows
    /// are looked up by id from the values (`CROSS JOIN` keeps SQLite to that order), not the other way round.
    func write(_ touches: [(id: String, touch: HeartbeatTouch)]) -> [SQLStatement] {
        stride(from: 0, to: touches.count, by: Self.rowsPerStatement).map { start in
            let chunk = touches[start..<min(start + Self.rowsPerStatement, touches.count)]
            let rows = max(16, 1 << (Int.bitWidth - (chunk.count - 1).leadingZeroBitCount))
            var values: [SQLValue] = []
            values.reserveCapacity(rows * 5)
            for (id, touch) in chunk {
                values += [.text(id), .real(touch.lastSeen.timeIntervalSince1970), .real(touch.lastReceivedAt.timeIntervalSince1970),
                           .integer(touch.beats), .real(touch.runStartedAt.timeIntervalSince1970)]
            }
            for _ in chunk.count..<rows { values += [.text(""), .real(0), .real(0), .integer(0), .real(0)] }
            return SQLStatement(dialect.texts.text("write heartbeats", rows: rows, text(rows:)), values)
        }
    }

    /// The run of each of `ids` (one or more) still running, read without waiting for locks.
    func running(_ ids: [String]) -> SQLStatement {
        let placeholders = (1...ids.count).map(dialect.placeholder).joined(separator: ", ")
        return SQLStatement("SELECT id, run_started_at FROM workers WHERE status = 'running' AND id IN (\(placeholders))", ids.map { .text($0) })
    }

    static func run(from row: any SQLRow) throws -> (String, Date) {
        (try row.text("id"), try row.date("run_started_at"))
    }

    private func text(rows: Int) -> String {
        let p = dialect.placeholder, greatest = dialect.greatest
        let tuples = (0..<rows).map { row in
            let n = row * 5
            return "(CAST(\(p(n + 1)) AS TEXT), CAST(\(p(n + 2)) AS DOUBLE PRECISION), CAST(\(p(n + 3)) AS DOUBLE PRECISION), "
                + "CAST(\(p(n + 4)) AS BIGINT), CAST(\(p(n + 5)) AS DOUBLE PRECISION))"
        }.joined(separator: ", ")
        let locking = dialect.lockingFreeRows.isEmpty ? "" : " ORDER BY w.id FOR UPDATE OF w SKIP LOCKED"
        return """
            WITH touched AS (SELECT w.id AS id, v.column2 AS last_seen, v.column3 AS last_received_at, v.column4 AS beats \
            FROM (VALUES \(tuples)) AS v CROSS JOIN workers AS w WHERE w.id = v.column1 \
            AND w.status = 'running' AND ABS(w.run_started_at - v.column5) < \(HeartbeatTouch.sameTime)\(locking)) \
            UPDATE workers SET last_seen = \(greatest)(workers.last_seen, touched.last_seen), \
            last_received_at = \(greatest)(workers.last_received_at, touched.last_received_at), \
            heartbeats = workers.heartbeats + touched.beats FROM touched WHERE workers.id = touched.id RETURNING workers.id
            """
    }
}
