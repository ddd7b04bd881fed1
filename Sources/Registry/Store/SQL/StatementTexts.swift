import Synchronization

/// Multi-row statement texts, each built once per shape (its statement and number of rows) and kept for the process.
///
/// A batch's text (18 placeholders a worker, up to 256 workers) is the same for every batch of its size, and the
/// writer spent more time building it anew than binding the batch's values. Row counts are powers of two, so few
/// shapes are ever kept.
final class StatementTexts: Sendable {
    private struct Shape: Hashable {
        let statement: String
        let rows: Int
    }

    private let texts = Mutex<[Shape: String]>([:])

    /// The text of `statement` with `rows` rows: `build(rows)` the first time, the same string after.
    func text(_ statement: String, rows: Int, _ build: (Int) -> String) -> String {
        let shape = Shape(statement: statement, rows: rows)
        if let text = texts.withLock({ $0[shape] }) { return text }
        let text = build(rows)
        texts.withLock { $0[shape] = text }
        return text
    }
}
