/// A value bound to, or read from, an SQL statement, whichever database runs it.
enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    static func text(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
    static func integer(_ value: Int?) -> SQLValue { value.map { .integer(Int64($0)) } ?? .null }
    static func real(_ value: Double?) -> SQLValue { value.map { .real($0) } ?? .null }
}

/// A row of a result, read by column position.
protocol SQLRow {
    func isNull(_ column: Int) -> Bool
    func text(_ column: Int) -> String
    func int(_ column: Int) -> Int
    func double(_ column: Int) -> Double
}
