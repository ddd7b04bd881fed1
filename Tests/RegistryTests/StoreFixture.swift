import Foundation
import Logging
@testable import PostgresExecutor
import PostgresNIO
@testable import Registry
import ServiceLifecycle
@testable import SQLiteExecutor
import Synchronization
import Testing

/// The stores every store test runs against: SQLite always; PostgreSQL when `WOKMANAGER_TEST_POSTGRES_URL`
/// names a server (`make test` starts one), and always in CI, where a missing server is a failure.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static var available: [StoreKind] {
        let environment = ProcessInfo.processInfo.environment
        return environment["WOKMANAGER_TEST_POSTGRES_URL"] != nil || environment["CI"] != nil ? allCases : [.sqlite]
    }

    var testDescription: String { rawValue }
}

/// A fresh, empty store of one kind: a new SQLite file, or a new schema in the test PostgreSQL database.
///
/// Each store it opens has its services (PostgreSQL's pool and lease) running, as the application's
/// service group would run them, until ``stop(_:)`` or ``remove()``.
struct StoreFixture: Sendable {
    let kind: StoreKind
    private let folder = TemporaryDirectory()
    private let running = RunningServices()
    private let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    private static let logger = Logger(label: "store-tests")

    init(_ kind: StoreKind) async throws {
        self.kind = kind
        if kind == .postgres {
            let create = PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)")
            try await Self.admin { try await $0.query(create, logger: Self.logger) }
        }
    }

    /// Opens the store (again, after a close, to test what persisted) and starts its services.
    func open() async throws -> any WorkerStore {
        let store: any WorkerStore
        switch kind {
        case .sqlite:
            store = SQLStore(database: try await SQLiteDatabase.open(path: folder.databasePath))
        case .postgres:
            let settings = try PostgresSettings(url: try Self.url() + "&search_path=\(schema)&pool_size=4")
            store = SQLStore(database: try await PostgresDatabase.open(settings: settings, logger: Self.logger))
        }
        running.start(store, logger: Self.logger)
        return store
    }

    /// Closes `store` and stops its services, as a replica that shuts down.
    func stop(_ store: any WorkerStore) async throws {
        try await store.close()
        await running.stop(store)
    }

    /// The newest schema version of this kind of store.
    var schemaVersion: Int { kind == .sqlite ? SQLiteMigrations.steps.count : PostgresMigrations.steps.count }

    /// Leaves the database as an older wokmanager would: the first `version` migrations, then `statements`.
    func prepare(schemaVersion version: Int, _ statements: [String]) async throws {
        switch kind {
        case .sqlite:
            let connection = try SQLiteConnection(path: folder.databasePath)
            for step in SQLiteMigrations.steps.prefix(version) + statements { try connection.execute(step) }
            try connection.execute("PRAGMA user_version = \(version)")
        case .postgres:
            let steps = PostgresMigrations.steps.prefix(version).flatMap(PostgresMigrations.statements(in:))
            let setup = ["SET search_path TO \(schema)", "CREATE TABLE wokmanager_schema (version BIGINT NOT NULL)"]
                + steps + (1...version).map { "INSERT INTO wokmanager_schema (version) VALUES (\($0))" } + statements
            try await Self.admin { connection in
                for statement in setup { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Self.logger) }
            }
        }
    }

    /// Stops every store's services and removes the files or the schema.
    func remove() async {
        await running.stopAll()
        folder.cleanup()
        if kind == .postgres {
            let drop = PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE")
            try? await Self.admin { try await $0.query(drop, logger: Self.logger) }
        }
    }

    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["WOKMANAGER_TEST_POSTGRES_URL"] else {
            throw StoreError.unavailable("WOKMANAGER_TEST_POSTGRES_URL is not set: run `make test`, which starts a PostgreSQL server")
        }
        return url
    }

    private static func admin(_ body: @escaping @Sendable (PostgresConnection) async throws -> Void) async throws {
        let client = PostgresClient(configuration: try PostgresSettings(url: try url()).client, backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            try await client.withConnection { try await body($0) }
            group.cancelAll()
        }
    }
}

/// The service groups of the stores a fixture opened, each run by a task of its own until stopped.
private final class RunningServices: Sendable {
    private let groups = Mutex<[(store: ObjectIdentifier, group: ServiceGroup, task: Task<Void, any Error>)]>([])

    func start(_ store: any WorkerStore, logger: Logger) {
        guard !store.services.isEmpty else { return }
        let group = ServiceGroup(services: store.services, gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        let task = Task { try await group.run() }
        groups.withLock { $0.append((ObjectIdentifier(store), group, task)) }
    }

    func stop(_ store: any WorkerStore) async {
        let stopped = groups.withLock { groups in
            defer { groups.removeAll { $0.store == ObjectIdentifier(store) } }
            return groups.filter { $0.store == ObjectIdentifier(store) }
        }
        for entry in stopped { await Self.end(entry.group, entry.task) }
    }

    func stopAll() async {
        for entry in groups.withLock({ groups in defer { groups.removeAll() }; return groups }) {
            await Self.end(entry.group, entry.task)
        }
    }

    private static func end(_ group: ServiceGroup, _ task: Task<Void, any Error>) async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}

/// Opens a fresh store of `kind`, runs `body`, closes the store and removes what it made.
func withStore(_ kind: StoreKind, _ body: (any WorkerStore) async throws -> Void) async throws {
    let fixture = try await StoreFixture(kind)
    let store = try await fixture.open()
    do {
        try await body(store)
    } catch {
        try? await store.close()
        await fixture.remove()
        throw error
    }
    try await store.close()
    await fixture.remove()
}
