import Logging
import PostgresExecutor
import Registry
import SQLiteExecutor

/// Where `serve` keeps state: the SQLite file by default, PostgreSQL when a URL is given.
struct StoreSettings {
    /// The SQLite file.
    var databasePath: String
    /// A `postgres://` URL; when set, state lives in PostgreSQL and several replicas can share it.
    var databaseURL: String?
    /// How SQLite syncs commits to disk.
    var synchronous: SQLiteDatabase.Synchronous
    /// The group window queued notifications wait for.
    var notificationPolicy: NotificationPolicy

    /// Settings with the documented defaults: `./data/wokmanager.sqlite`, fsync on every commit.
    init(
        databasePath: String = "./data/wokmanager.sqlite", databaseURL: String? = nil, synchronous: SQLiteDatabase.Synchronous = .full,
        notificationPolicy: NotificationPolicy = NotificationPolicy()
    ) {
        self.databasePath = databasePath
        self.databaseURL = databaseURL
        self.synchronous = synchronous
        self.notificationPolicy = notificationPolicy
    }

    /// Opens the store these settings name, with its schema brought up to date.
    func open(logger: Logger) async throws -> any WorkerStore {
        guard let databaseURL else {
            return SQLStore(database: try await SQLiteDatabase.open(path: databasePath, synchronous: synchronous), notificationPolicy: notificationPolicy)
        }
        let settings = try PostgresSettings(url: databaseURL)
        logger.info("using PostgreSQL", metadata: ["database": "\(settings.description)"])
        return SQLStore(database: try await PostgresDatabase.open(settings: settings, logger: logger), notificationPolicy: notificationPolicy)
    }
}
