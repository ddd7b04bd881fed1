import Foundation

/// The statements a transaction of events reads and writes its workers and history with: the workers read at once,
/// then written and appended in multi-row statements. Each statement carries a power of two of rows, so few texts
/// are ever prepared.
struct WorkerBatchSQL: Sendable {
    let dialect: SQLDialect

    /// Most ids one read looks up.
    static let idsPerRead = 1024
    /// Most rows one write carries (18 values a worker, far below both databases' limit of bound values).
    static let rowsPerWrite = 256

    /// The stored workers of `ids`, locked where the dialect locks rows (``PaddedList``).
    func select(_ ids: [String]) -> [SQLStatement] {
        let locking = dialect.lockingRows.isEmpty ? "" : " ORDER BY id " + dialect.lockingRows
        return PaddedList.chunks(of: ids, limit: Self.idsPerRead).map { chunk in
            let text = dialect.texts.text("select workers", rows: chunk.count) { rows in
                "SELECT \(WorkerSQL.workerColumns) FROM workers WHERE id IN (\(PaddedList.placeholders(rows, dialect)))\(locking)"
            }
            return SQLStatement(text, chunk.map { .text($0) })
        }
    }

    /// `workers` (each id once) inserted or replaced, in the given order.
    func upsert(_ workers: [Worker]) -> [SQLStatement] {
        Self.chunks(of: workers.count).map { range in
            let text = dialect.texts.text("upsert workers", rows: range.count) { rows in
                let columns = WorkerSQL.workerColumns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let updates = columns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
                return "INSERT INTO workers (\(WorkerSQL.workerColumns)) VALUES \(tuples(rows, width: columns.count)) ON CONFLICT (id) DO UPDATE SET \(updates)"
            }
            return SQLStatement(text, workers[range].flatMap(WorkerSQL.values(of:)))
        }
    }

    /// `entries` appended to the history, in the given order (their sequence numbers follow it).
    func append(_ entries: [HistoryEntry]) -> [SQLStatement] {
        Self.chunks(of: entries.count).map { range in
            let text = dialect.texts.text("append history", rows: range.count) { rows in
                "INSERT INTO history (\(WorkerSQL.appendedColumns)) VALUES \(tuples(rows, width: WorkerSQL.appendedWidth))"
            }
            return SQLStatement(text, entries[range].flatMap(WorkerSQL.values(of:)))
        }
    }

    /// The statements that add one batch's tally to the counters and the known groups, each in multi-row statements
    /// of rows in a fixed order (so concurrent writers take their row locks in the same order).
    func record(_ tally: BatchTally) -> [SQLStatement] {
        let counters = tally.errors.sorted { $0.key < $1.key }.map { ("errors", $0.key, $0.value) }
            + tally.events.sorted { $0.key < $1.key }.map { ("events", $0.key, $0.value) }
        let groups = tally.groups.sorted { $0.key < $1.key }
        let addToCounters = Self.chunks(of: counters.count).map { range in
            let text = dialect.texts.text("add to counters", rows: range.count) { rows in
                "INSERT INTO counters (name, label, value) VALUES \(tuples(rows, width: 3)) "
                    + "ON CONFLICT (name, label) DO UPDATE SET value = counters.value + excluded.value"
            }
            return SQLStatement(text, counters[range].flatMap { [SQLValue.text($0.0), .text($0.1), .integer($0.2)] })
        }
        let touchGroups = Self.chunks(of: groups.count).map { range in
            let text = dialect.texts.text("touch groups", rows: range.count) { rows in
                "INSERT INTO groups (name, last_event_at, events) VALUES \(tuples(rows, width: 3)) ON CONFLICT (name) DO UPDATE SET "
                    + "last_event_at = \(dialect.greatest)(groups.last_event_at, excluded.last_event_at), events = groups.events + excluded.events"
            }
            return SQLStatement(text, groups[range].flatMap { [SQLValue.text($0.key), .real($0.value.newest.timeIntervalSince1970), .integer($0.value.events)] })
        }
        return addToCounters + touchGroups
    }

    /// Each of `lost` still running marked lost at its deadline. The rows are looked up by id from the values
    /// (`CROSS JOIN` keeps SQLite to that order: without statistics it would rather read every running worker).
    func markLost(_ lost: [(id: String, deadline: Date)]) -> [SQLStatement] {
        let p = dialect.placeholder
        return Self.chunks(of: lost.count).map { range in
            let values = (0..<range.count).map { row in "(CAST(\(p(2 * row + 1)) AS TEXT), CAST(\(p(2 * row + 2)) AS DOUBLE PRECISION))" }
            return SQLStatement(
                "WITH marked AS (SELECT w.id AS id, v.column2 AS since FROM (VALUES \(values.joined(separator: ", "))) AS v "
                    + "CROSS JOIN workers AS w WHERE w.id = v.column1 AND w.status = 'running') "
                    + "UPDATE workers SET status = 'lost', status_since = marked.since FROM marked WHERE workers.id = marked.id",
                lost[range].flatMap { [SQLValue.text($0.id), .real($0.deadline.timeIntervalSince1970)] })
        }
    }

    /// `(…), (…)`: `rows` tuples of `width` placeholders.
    private func tuples(_ rows: Int, width: Int) -> String {
        (0..<rows).map { "(" + PaddedList.placeholders(width, from: $0 * width + 1, dialect) + ")" }.joined(separator: ", ")
    }

    /// `0..<count` cut into consecutive ranges whose sizes are powers of two, at most ``rowsPerWrite``, largest first.
    static func chunks(of count: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = [], start = 0
        while start < count {
            let left = count - start
            let size = min(rowsPerWrite, 1 << (Int.bitWidth - 1 - left.leadingZeroBitCount))
            ranges.append(start..<start + size)
            start += size
        }
        return ranges
    }
}
