import Foundation
import NIOPosix
import Registry
import ServiceLifecycle
import Synchronization

/// The embedded default database: one SQLite file in WAL mode.
///
/// All writes go through one connection on one thread, in transactions; the registry's group commit
/// batches many requests into each. Reads use a small pool of read-only connections and never wait for
/// writes. With `synchronous = FULL` (the default) a committed event survives a power cut; `NORMAL`
/// keeps it through a crash of the process but may lose the last transactions on power loss.
public final class SQLiteDatabase: SQLDatabase {
    /// How SQLite syncs the write-ahead log to disk.
    public enum Synchronous: String, Sendable, CaseIterable {
        /// fsync on every commit: survives power loss.
        case full = "FULL"
        /// fsync at checkpoints: survives a crash of the process, not always a power cut.
        case normal = "NORMAL"
    }

    public let dialect = SQLDialect.sqlite
    private let path: String
    private let writerThread: NIOThreadPool
    private let readerThreads: NIOThreadPool
    private let writerExecutor: ThreadPoolTaskExecutor
    private let readerExecutor: ThreadPoolTaskExecutor
    private let writer: Mutex<SQLiteConnection?>
    private let readers = Mutex<[SQLiteConnection]>([])
    private let isClosed = Mutex(false)
    private let inTransaction = Atomic(false)

    private init(path: String, writer: SQLiteConnection, writerThread: NIOThreadPool, readerThreads: NIOThreadPool) {
        self.path = path
        self.writer = Mutex(writer)
        self.writerThread = writerThread
        self.readerThreads = readerThreads
        self.writerExecutor = ThreadPoolTaskExecutor(writerThread)
        self.readerExecutor = ThreadPoolTaskExecutor(readerThreads)
    }

    /// Opens or creates the database at `path` (creating its folder) and applies pending migrations.
    public static func open(path: String, synchronous: Synchronous = .full, readerThreads: Int = 2) async throws -> SQLiteDatabase {
        let writerThread = NIOThreadPool(numberOfThreads: 1)
        writerThread.start()
        let readerPool = NIOThreadPool(numberOfThreads: readerThreads)
        readerPool.start()
        do {
            let connection = try await writerThread.runIfActive {
                let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let connection = try SQLiteConnection(path: path)
                try connection.execute("PRAGMA journal_mode = WAL")
                try connection.execute("PRAGMA synchronous = \(synchronous.rawValue)")
                try connection.execute("PRAGMA busy_timeout = 5000")
                // 32 MiB of page cache: the workers table and its indexes at 100,000 workers, so commits
                // do not re-read pages they just wrote.
                try connection.execute("PRAGMA cache_size = -32768")
                // Statement journals and sorts in memory: on disk, SQLite created and unlinked a file in most
                // transactions, and state changes ran 15 % faster without.
                try connection.execute("PRAGMA temp_store = MEMORY")
                try SQLiteMigrations.migrate(connection)
                return connection
            }
            return SQLiteDatabase(path: path, writer: connection, writerThread: writerThread, readerThreads: readerPool)
        } catch {
            try? await writerThread.shutdownGracefully()
            try? await readerPool.shutdownGracefully()
            throw (error as? SQLiteError)?.storeError ?? error
        }
    }

    /// On the writer thread, in `BEGIN IMMEDIATE` ... `COMMIT`. The store's code under it never suspends
    /// (every call it makes here is synchronous underneath), so one transaction runs as one job of the
    /// single writer thread, and transactions cannot interleave; a transaction begun inside another
    /// (which a real suspension in `body` would allow) stops the process rather than share one.
    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        try checkOpen()
        return try await withTaskExecutorPreference(writerExecutor) {
            try await self.mappingErrors {
                try self.checkOpen()
                guard let connection = self.writer.withLock({ $0 }) else { throw StoreError.closed }
                precondition(!self.inTransaction.exchange(true, ordering: .relaxed), "SQLite transactions overlapped on the writer")
                defer { self.inTransaction.store(false, ordering: .relaxed) }
                try connection.execute("BEGIN IMMEDIATE")
                do {
                    let result = try await body(connection)
                    try connection.execute("COMMIT")
                    return result
                } catch {
                    try? connection.execute("ROLLBACK")
                    throw error
                }
            }
        }
    }

    /// On a reader thread, with a read-only connection checked out of the pool for the call.
    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        try checkOpen()
        return try await withTaskExecutorPreference(readerExecutor) {
            try await self.mappingErrors {
                try self.checkOpen()
                let connection = try self.readers.withLock { $0.popLast() } ?? self.openReader()
                defer { if !self.isClosed.withLock({ $0 }) { self.readers.withLock { $0.append(connection) } } }
                return try await body(connection)
            }
        }
    }

    /// Always: one server owns the file.
    public func holdsMaintenanceLease() async -> Bool { true }

    /// None: the threads belong to the database and stop in ``close()``.
    public var services: [any Service] { [] }

    public func close() async throws {
        let wasClosed = isClosed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        // Readers first, so that the writer is the last connection to close: SQLite then checkpoints the
        // WAL into the database file and deletes it. A read-only connection closing last cannot, and
        // would leave every commit since the last checkpoint in the WAL.
        try await readerThreads.shutdownGracefully()
        readers.withLock { $0.removeAll() }
        _ = try? await writerThread.runIfActive { self.writer.withLock { $0 = nil } }
        try await writerThread.shutdownGracefully()
    }

    private func checkOpen() throws {
        if isClosed.withLock({ $0 }) { throw StoreError.closed }
    }

    private func openReader() throws -> SQLiteConnection {
        let connection = try SQLiteConnection(path: path, readOnly: true)
        try connection.execute("PRAGMA busy_timeout = 5000")
        try connection.execute("PRAGMA cache_size = -16384")
        try connection.execute("PRAGMA temp_store = MEMORY")
        return connection
    }

    private func mappingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SQLiteError {
            throw error.storeError
        }
    }
}
