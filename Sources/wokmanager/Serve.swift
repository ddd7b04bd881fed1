import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Registry
import SQLiteExecutor
import Web

/// `wokmanager serve`: runs the server until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the wokmanager server.",
        discussion: "Every option can also be set by the WOKMANAGER_* variable named in its help; a flag wins over a variable."
    )

    @Option(help: "Address to listen on (WOKMANAGER_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (WOKMANAGER_PORT; default 5000).")
    var port: Int?

    @Option(name: .customLong("database"), help: "SQLite file (WOKMANAGER_DATABASE; default ./data/wokmanager.sqlite).")
    var databasePath: String?

    @Option(name: .customLong("database-url"), help: "postgres://user:password@host:5432/db to share state between replicas (WOKMANAGER_DATABASE_URL); SQLite when unset.")
    var databaseURL: String?

    @Option(name: .customLong("api-key"), help: "An admin key (may do everything); repeat for several (WOKMANAGER_API_KEYS, comma-separated). With no key anywhere, one is generated on first start.")
    var adminKeys: [String] = []

    @Option(name: .customLong("write-key"), help: "A key that may only report events; repeat for several (WOKMANAGER_WRITE_KEYS, comma-separated).")
    var writeKeys: [String] = []

    @Option(name: .customLong("read-key"), help: "A key that may only read; repeat for several (WOKMANAGER_READ_KEYS, comma-separated).")
    var readKeys: [String] = []

    @Option(name: .customLong("keys-file"), help: "Keys file managed by `wokmanager keys` (WOKMANAGER_KEYS_FILE; default wokmanager.keys beside the database).")
    var keysFile: String?

    @Flag(help: "Require an API key for reads too (WOKMANAGER_REQUIRE_KEY_FOR_READS).")
    var requireKeyForReads = false

    @Option(help: "TTL of workers that send none, e.g. 60s; 0 = never lost (WOKMANAGER_DEFAULT_TTL; default 0).")
    var defaultTTL: String?

    @Option(help: "How often lost workers are recorded and, every 12th time, retention applied (WOKMANAGER_SWEEP_INTERVAL; default 5s).")
    var sweepInterval: String?

    @Option(help: "How long stopped, failed and lost workers stay visible (WOKMANAGER_RETENTION; default 7d).")
    var retention: String?

    @Option(help: "How long history, messages and errors are kept (WOKMANAGER_HISTORY_RETENTION; default 30d).")
    var historyRetention: String?

    @Option(help: "Most history entries kept in all (WOKMANAGER_HISTORY_LIMIT; default 1000000).")
    var historyLimit: Int?

    @Option(help: "Close a connection with no complete request head, or silent between requests, after this long (WOKMANAGER_IDLE_TIMEOUT; default 60s).")
    var idleTimeout: String?

    @Option(help: "Drop a request (and its connection) whose head and body take longer than this to arrive (WOKMANAGER_READ_TIMEOUT; default 60s).")
    var readTimeout: String?

    @Option(help: "SQLite synchronous mode: full (survives power loss) or normal (survives a crash) (WOKMANAGER_SQLITE_SYNCHRONOUS; default full).")
    var sqliteSynchronous: String?

    @Option(name: .customLong("public"), help: "Folder of the static files served under /static/ (WOKMANAGER_PUBLIC; default ./Public).")
    var publicFolder: String?

    @Flag(help: "Add a last-seen series per worker to /metrics (one series per worker) (WOKMANAGER_PER_WORKER_METRICS).")
    var perWorkerMetrics = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (WOKMANAGER_LOG_LEVEL; default info).")
    var logLevel: String?

    func run() async throws {
        let (configuration, storeSettings) = try resolveConfiguration()
        let logger = try makeLogger()
        let store = try await storeSettings.open(logger: logger)
        let app = try await buildApplication(configuration, store: store, logger: logger)
        logger.info("wokmanager listening", metadata: ["address": "\(configuration.host):\(configuration.port)"])
        try await app.runService()
    }

    private func resolveConfiguration() throws -> (ServerConfiguration, StoreSettings) {
        let setting = Setting()
        let databasePath = setting.value(databasePath, "WOKMANAGER_DATABASE") ?? "./data/wokmanager.sqlite"
        let synchronousName = setting.value(sqliteSynchronous, "WOKMANAGER_SQLITE_SYNCHRONOUS") ?? "full"
        guard let synchronous = SQLiteDatabase.Synchronous(rawValue: synchronousName.uppercased()) else {
            throw ValidationError("--sqlite-synchronous must be full or normal, not '\(synchronousName)'")
        }
        let defaults = RetentionPolicy()
        let sweep = try positive(sweepInterval, "WOKMANAGER_SWEEP_INTERVAL", flag: "--sweep-interval", setting: setting, default: 5)
        let registry = RegistrySettings(
            defaultTTL: try setting.duration(defaultTTL, "WOKMANAGER_DEFAULT_TTL", default: 0),
            retention: RetentionPolicy(
                workers: try setting.duration(retention, "WOKMANAGER_RETENTION", default: defaults.workers),
                history: try setting.duration(historyRetention, "WOKMANAGER_HISTORY_RETENTION", default: defaults.history),
                historyLimit: try setting.integer(historyLimit, "WOKMANAGER_HISTORY_LIMIT", default: defaults.historyLimit)),
            sweepInterval: .milliseconds(Int64(sweep * 1000)),
            pruneInterval: .milliseconds(Int64(sweep * 12_000)))
        let accessKeys = configuredKeys(setting: setting)
        let store = StoreSettings(databasePath: databasePath, databaseURL: setting.value(databaseURL, "WOKMANAGER_DATABASE_URL"), synchronous: synchronous)
        let server = ServerConfiguration(
            host: setting.value(host, "WOKMANAGER_HOST") ?? "127.0.0.1",
            port: try setting.integer(port, "WOKMANAGER_PORT", default: 5000),
            accessKeys: accessKeys,
            keysFile: try keysFilePath(setting: setting, databasePath: databasePath, configured: accessKeys),
            readsRequireKey: try setting.flag(requireKeyForReads, "WOKMANAGER_REQUIRE_KEY_FOR_READS"),
            registry: registry,
            limits: RequestLimits(
                idleTimeout: .milliseconds(Int64(try positive(idleTimeout, "WOKMANAGER_IDLE_TIMEOUT", flag: "--idle-timeout", setting: setting) * 1000)),
                readTimeout: .milliseconds(Int64(try positive(readTimeout, "WOKMANAGER_READ_TIMEOUT", flag: "--read-timeout", setting: setting) * 1000))),
            publicFolder: setting.value(publicFolder, "WOKMANAGER_PUBLIC") ?? "Public",
            perWorkerMetrics: try setting.flag(perWorkerMetrics, "WOKMANAGER_PER_WORKER_METRICS"))
        return (server, store)
    }

    /// A duration setting that must be more than zero, in seconds.
    private func positive(_ value: String?, _ variable: String, flag: String, setting: Setting, default defaultValue: Double = 60) throws -> Double {
        let seconds = try setting.duration(value, variable, default: defaultValue)
        guard seconds >= 0.001, seconds <= 86_400 * 365 else { throw ValidationError("\(flag) must be from 1ms to 365d") }
        return seconds
    }

    /// The keys given by flags or variables, each role from its flag or else its variable.
    private func configuredKeys(setting: Setting) -> [AccessKey] {
        func secrets(_ flags: [String], _ variable: String) -> [String] {
            if !flags.isEmpty { return flags }
            return (setting.value(nil, variable) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let roles: [(AccessRole, [String])] = [
            (.admin, secrets(adminKeys, "WOKMANAGER_API_KEYS")),
            (.write, secrets(writeKeys, "WOKMANAGER_WRITE_KEYS")),
            (.read, secrets(readKeys, "WOKMANAGER_READ_KEYS")),
        ]
        return roles.flatMap { role, secrets in
            secrets.filter { !$0.isEmpty }.enumerated().map { index, secret in
                AccessKey(name: "\(role.rawValue)-option-\(index + 1)", role: role, secret: secret)
            }
        }
    }

    /// The keys file. When no key is configured anywhere, the key an earlier version generated is moved
    /// into it, or else an admin key is generated into it and printed once: the file keeps only digests.
    private func keysFilePath(setting: Setting, databasePath: String, configured: [AccessKey]) throws -> String {
        let path = setting.value(keysFile, "WOKMANAGER_KEYS_FILE") ?? KeysFile.path(besideDatabase: databasePath)
        guard configured.isEmpty, try KeysFile.load(at: path).isEmpty else { return path }
        if try KeysFile.importLegacyKey(besideDatabase: databasePath, into: path) {
            print("The generated key in wokmanager.api-key now lives in \(path) as its digest; the old file was removed.")
        } else {
            let secret = try KeysFile.add(name: "generated-admin", role: .admin, scope: nil, to: path)
            print("No API key was configured, so an admin key was generated; its digest is in \(path).")
            print("API key (shown only this once): \(secret)")
            print("Make more with `wokmanager keys add NAME --role write|read|admin`.")
            fflush(nil)
        }
        return path
    }

    private func makeLogger() throws -> Logger {
        let levelName = Setting().value(logLevel, "WOKMANAGER_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelName.lowercased()) else {
            throw ValidationError("log level '\(levelName)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "wokmanager")
        logger.logLevel = level
        return logger
    }
}
