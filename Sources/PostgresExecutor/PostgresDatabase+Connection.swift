import Logging
import PostgresNIO
import Registry

extension PostgresDatabase {
    /// A pooled connection, inside ``PostgresDatabase/write(_:)`` or ``PostgresDatabase/read(_:)``.
    public struct Connection: SQLConnection {
        let connection: PostgresConnection
        let logger: Logger

        public func run(_ statement: SQLStatement) async throws {
            try await connection.query(PostgresQuery(statement), logger: logger)
        }

        /// Counts the rows through `RETURNING`: postgres-nio does not expose the command tag.
        public func count(_ statement: SQLStatement) async throws -> Int {
            let counting = SQLStatement("WITH changed AS (\(statement.sql) RETURNING 1) SELECT COUNT(*) AS n FROM changed", statement.values)
            return try await rows(counting) { try $0.int("n") }.first ?? 0
        }

        public func rows<T>(_ statement: SQLStatement, _ map: (any SQLRow) throws -> T) async throws -> [T] {
            var result: [T] = []
            for try await row in try await connection.query(PostgresQuery(statement), logger: logger) {
                result.append(try map(Row(row: row.makeRandomAccess())))
            }
            return result
        }
    }

    /// A result row, read by column name.
    public struct Row: SQLRow {
        let row: PostgresRandomAccessRow

        public func value(_ column: String) throws -> SQLValue {
            guard row.contains(column) else { throw StoreError.failed("the result has no column '\(column)'") }
            let cell = row[column]
            guard cell.bytes != nil else { return .null }
            do {
                switch cell.dataType {
                case .text, .varchar, .name, .bpchar: return .text(try cell.decode(String.self))
                case .int8, .int4, .int2: return .integer(try cell.decode(Int64.self))
                case .float8, .float4: return .real(try cell.decode(Double.self))
                default: throw StoreError.badColumn(column, "PostgreSQL type \(cell.dataType)", expected: "text, an integer or a number")
                }
            } catch let error as PostgresDecodingError {
                throw StoreError.badColumn(column, "a value that does not decode (\(error.code))", expected: "its column's type")
            }
        }
    }
}

extension PostgresQuery {
    /// A statement written for the PostgreSQL dialect, with its values bound.
    init(_ statement: SQLStatement) {
        var bindings = PostgresBindings(capacity: statement.values.count)
        for value in statement.values {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let number): bindings.append(number)
            case .real(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            }
        }
        self.init(unsafeSQL: statement.sql, binds: bindings)
    }
}
