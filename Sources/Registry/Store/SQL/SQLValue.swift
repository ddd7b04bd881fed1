import Foundation

/// A value bound to, or read from, an SQL statement, whichever database runs it.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    static func text(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
    static func integer(_ value: Int?) -> SQLValue { value.map { .integer(Int64($0)) } ?? .null }
    static func real(_ value: Double?) -> SQLValue { value.map { .real($0) } ?? .null }
}

/// A statement and the values bound to it, in placeholder order.
public struct SQLStatement: Sendable, Equatable {
    /// The text, with the dialect's placeholders.
    public var sql: String
    /// The values of the placeholders, in order.
    public var values: [SQLValue]

    /// Creates a statement.
    public init(_ sql: String, _ values: [SQLValue] = []) {
        self.sql = sql
        self.values = values
    }
}

/// A row of a result, read by column name, as GRDB reads them: a missing column or a value of the wrong
/// type throws instead of turning into `""` or `0`.
public protocol SQLRow {
    /// The value of `column`; throws when the result has no such column.
    func value(_ column: String) throws -> SQLValue
}

/// Typed reads; each throws a ``StoreError`` naming the column when the value is NULL where one is
/// required, or of another type.
extension SQLRow {
    /// Text, never NULL.
    public func text(_ column: String) throws -> String {
        guard let text = try optionalText(column) else { throw StoreError.badColumn(column, "NULL", expected: "text") }
        return text
    }

    /// Text or NULL.
    public func optionalText(_ column: String) throws -> String? {
        switch try value(column) {
        case .null: nil
        case .text(let text): text
        case let other: throw StoreError.badColumn(column, other.typeName, expected: "text")
        }
    }

    /// An integer, never NULL.
    public func int(_ column: String) throws -> Int {
        guard let number = try optionalInt(column) else { throw StoreError.badColumn(column, "NULL", expected: "an integer") }
        return number
    }

    /// An integer or NULL.
    public func optionalInt(_ column: String) throws -> Int? {
        switch try value(column) {
        case .null: nil
        case .integer(let number): Int(number)
        case let other: throw StoreError.badColumn(column, other.typeName, expected: "an integer")
        }
    }

    /// A number, never NULL.
    public func double(_ column: String) throws -> Double {
        guard let number = try optionalDouble(column) else { throw StoreError.badColumn(column, "NULL", expected: "a number") }
        return number
    }

    /// A real number; an integer is read as one too (SQLite keeps whole reals as integers in expressions).
    public func optionalDouble(_ column: String) throws -> Double? {
        switch try value(column) {
        case .null: nil
        case .real(let number): number
        case .integer(let number): Double(number)
        case let other: throw StoreError.badColumn(column, other.typeName, expected: "a number")
        }
    }

    /// Unix seconds as a date, never NULL.
    public func date(_ column: String) throws -> Date { Date(timeIntervalSince1970: try double(column)) }
    /// Unix seconds as a date, or NULL.
    public func optionalDate(_ column: String) throws -> Date? { try optionalDouble(column).map(Date.init(timeIntervalSince1970:)) }
}

extension SQLValue {
    /// The kind of value, for error messages.
    var typeName: String {
        switch self {
        case .null: "NULL"
        case .integer: "an integer"
        case .real: "a real number"
        case .text: "text"
        }
    }
}
