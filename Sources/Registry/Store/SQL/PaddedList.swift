/// Values for `IN (…)` lists: at most `limit` a statement, each list padded to a power of two (at least 16) by
/// repeating its first value, which changes no answer and keeps to a few statement texts ever prepared.
enum PaddedList {
    static func chunks(of values: [String], limit: Int) -> [[String]] {
        stride(from: 0, to: values.count, by: limit).map { start in
            let chunk = values[start..<min(start + limit, values.count)]
            let size = max(16, 1 << (Int.bitWidth - (chunk.count - 1).leadingZeroBitCount))
            return Array(chunk) + Array(repeating: chunk.first!, count: size - chunk.count)
        }
    }

    /// `count` placeholders, comma-separated, numbered from `first`.
    static func placeholders(_ count: Int, from first: Int = 1, _ dialect: SQLDialect) -> String {
        (first..<first + count).map(dialect.placeholder).joined(separator: ", ")
    }
}
