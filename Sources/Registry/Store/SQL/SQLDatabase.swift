import ServiceLifecycle

/// What ``SQLStore`` needs of a database: transactions, reads and the dialect to write SQL in.
///
/// The store holds every statement and every rule; an executor only runs them. `SQLiteExecutor` and
/// `PostgresExecutor` are the two, each in its own target, so this module links no database driver.
///
/// The protocols have no associated types: the store calls them through existentials, so its code (in this
/// module, used by the executable's) needs no generic specialisation; generic code left unspecialised across
/// modules asks the runtime for type metadata on every call, which cost a tenth of ingest throughput.
public protocol SQLDatabase: Sendable {
    /// How this database spells what differs between SQLite and PostgreSQL.
    var dialect: SQLDialect { get }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws. An
    /// executor may run `body` again after a lost race with another writer, so `body` must only talk to
    /// the database.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) async throws -> T) async throws -> T

    /// Runs `body` with a connection for reading; reads never wait for writes.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) async throws -> T) async throws -> T

    /// `true` when this server should run the periodic work (sweep, retention): always for a database of
    /// one server; for a shared one, on one replica at a time.
    func holdsMaintenanceLease() async -> Bool

    /// What must run in the application's service group for the database to work (a connection pool,
    /// a lease); empty when nothing must.
    var services: [any Service] { get }

    /// Finishes pending work and releases the database.
    func close() async throws
}

/// One connection of an ``SQLDatabase``, inside ``SQLDatabase/write(_:)`` or ``SQLDatabase/read(_:)``.
public protocol SQLConnection {
    /// Runs a statement that returns no rows.
    func run(_ statement: SQLStatement) async throws

    /// Runs a data-changing statement and returns how many rows it changed.
    func count(_ statement: SQLStatement) async throws -> Int

    /// Runs a query and maps each row as it is read.
    func rows<T>(_ statement: SQLStatement, _ map: (any SQLRow) throws -> T) async throws -> [T]
}
