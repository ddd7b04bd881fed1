import CSQLite
import Foundation
import Registry

/// A failed SQLite call, with SQLite's extended result code and message.
struct SQLiteError: Error, CustomStringConvertible {
    var code: Int32
    var message: String

    var description: String { "SQLite error \(code): \(message)" }

    /// The same failure in the registry's terms: disk full, busy or corrupt storage.
    var storeError: StoreError {
        switch code & 0xFF {
        case SQLITE_FULL: .storageFull("the database disk is full: \(message)")
        case SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PROTOCOL:
            .unavailable("the database is unavailable: \(message)")
        default: .failed("database error: \(message)")
        }
    }
}

/// One SQLite connection with a cache of prepared statements.
///
/// Not thread-safe: each connection is used by one thread at a time (the writer thread, or a reader
/// checked out of ``SQLiteDatabase``'s pool), which is what makes the `@unchecked Sendable` hold.
public final class SQLiteConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    private var statements: [String: SQLiteStatement] = [:]

    /// SQLite's memory statistics off, once, before the first connection: with them, every allocation takes one
    /// global mutex, which the readers' threads contended for (perf: a quarter of a JSON-heavy scrape).
    private static let memoryStatisticsOff: Void = { _ = wokmanager_sqlite3_disable_memory_statistics() }()

    /// Opens (and creates, unless `readOnly`) the database at `path`.
    convenience init(path: String, readOnly: Bool = false) throws {
        try self.init(opening: path, flags: (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX)
    }

    /// Opens the file at `path` read-only as `immutable`: no lock, no write-ahead log, nothing written beside it;
    /// for a file no process writes (a backup being checked).
    convenience init(immutableAt path: String) throws {
        var uri = URLComponents()
        uri.scheme = "file"
        uri.path = URL(fileURLWithPath: path).path
        uri.queryItems = [URLQueryItem(name: "immutable", value: "1")]
        try self.init(opening: uri.string ?? path, flags: SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX)
    }

    private init(opening path: String, flags: Int32) throws {
        Self.memoryStatisticsOff
        var handle: OpaquePointer?
        let result = sqlite3_open_v2(path, &handle, flags, nil)
        guard result == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            sqlite3_close_v2(handle)
            throw SQLiteError(code: result, message: message)
        }
        self.handle = handle
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that take no parameters and return no rows.
    func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if result != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw SQLiteError(code: result, message: message)
        }
    }

    /// Runs a statement and returns the number of rows it changed.
    @discardableResult
    func perform(_ statement: SQLStatement) throws -> Int {
        let prepared = try prepared(statement.sql)
        defer { prepared.reset() }
        try prepared.bind(statement.values)
        while try prepared.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Runs a query and maps each row.
    func select<T>(_ query: SQLStatement, _ map: (SQLiteStatement) throws -> T) throws -> [T] {
        let statement = try prepared(query.sql)
        defer { statement.reset() }
        try statement.bind(query.values)
        var rows: [T] = []
        while try statement.step() {
            rows.append(try map(statement))
        }
        return rows
    }

    /// Runs `body` in a transaction, committing when it returns and rolling back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    fileprivate var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// The statement for `sql`, prepared once per connection.
    private func prepared(_ sql: String) throws -> SQLiteStatement {
        if let statement = statements[sql] { return statement }
        var raw: OpaquePointer?
        let result = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard result == SQLITE_OK, let raw else { throw SQLiteError(code: result, message: lastErrorMessage) }
        let statement = SQLiteStatement(raw, connection: self)
        statements[sql] = statement
        return statement
    }

    fileprivate func error(_ code: Int32) -> SQLiteError {
        SQLiteError(code: code, message: lastErrorMessage)
    }
}

/// A prepared statement: bind values, step through rows, read columns by name.
public final class SQLiteStatement: SQLRow {
    private let handle: OpaquePointer
    private unowned let connection: SQLiteConnection

    fileprivate init(_ handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    /// Resets the statement and binds `values` to its parameters, in order.
    func bind(_ values: [SQLValue]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32 =
                switch value {
                case .null: sqlite3_bind_null(handle, index)
                case .integer(let number): sqlite3_bind_int64(handle, index, number)
                case .real(let number): sqlite3_bind_double(handle, index, number)
                case .text(let text): sqlite3_bind_text(handle, index, text, Int32(text.utf8.count), transientDestructor)
                }
            guard result == SQLITE_OK else { throw connection.error(result) }
        }
    }

    /// Ends the statement's use, so a reader does not keep its snapshot open.
    func reset() {
        sqlite3_reset(handle)
    }

    /// Advances to the next row; `false` when there are no more.
    func step() throws -> Bool {
        let result = sqlite3_step(handle)
        switch result {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = connection.error(result)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// The value of the current row's `column`, as SQLite typed it.
    public func value(_ column: String) throws -> SQLValue {
        guard let index = columnIndexes[column] else { throw StoreError.failed("the result has no column '\(column)'") }
        switch sqlite3_column_type(handle, index) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard let pointer = sqlite3_column_text(handle, index) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self))
        default: throw StoreError.badColumn(column, "a blob", expected: "text, a number or NULL")
        }
    }

    /// Column positions by name, read once per prepared statement.
    private lazy var columnIndexes: [String: Int32] = {
        let count = sqlite3_column_count(handle)
        return Dictionary((0..<count).map { (String(cString: sqlite3_column_name(handle, $0)), $0) }, uniquingKeysWith: { first, _ in first })
    }()
}

extension SQLiteConnection: SQLConnection {
    public func run(_ statement: SQLStatement) async throws {
        try perform(statement)
    }

    public func count(_ statement: SQLStatement) async throws -> Int {
        try perform(statement)
    }

    public func rows<T>(_ statement: SQLStatement, _ map: (any SQLRow) throws -> T) async throws -> [T] {
        try select(statement) { try map($0) }
    }
}

/// Tells SQLite to copy bound text before the call returns.
private let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
