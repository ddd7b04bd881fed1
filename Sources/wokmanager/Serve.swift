import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SQLiteExecutor
import Web
import WokmanagerMetrics

/// `wokmanager serve`: runs the server until SIGTERM or SIGINT. Its options are the ``ServeSetting``s.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the wokmanager server.",
        discussion: """
            Every option can also be set by the WOKMANAGER_* variable named in its help, or in the config file \
            (--config) by its name; a flag wins over a variable, which wins over the file. SIGHUP reads the \
            settings again and logs what changed.
            """
    )

    @Option(name: .customLong("config"), help: ArgumentHelp(
        "A YAML file of these settings, by their names (WOKMANAGER_CONFIG; default: none); check one with `wokmanager config check`.",
        valueName: "file"))
    var configPath: String?

    @Option(name: ServeSetting.host.name, help: ServeSetting.host.help)
    var host: String?

    @Option(name: ServeSetting.port.name, help: ServeSetting.port.help)
    var port: Int?

    @Option(name: ServeSetting.tlsCertificate.name, help: ServeSetting.tlsCertificate.help)
    var tlsCertificate: String?

    @Option(name: ServeSetting.tlsKey.name, help: ServeSetting.tlsKey.help)
    var tlsKey: String?

    @Option(name: ServeSetting.database.name, help: ServeSetting.database.help)
    var databasePath: String?

    @Option(name: ServeSetting.databaseURL.name, help: ServeSetting.databaseURL.help)
    var databaseURL: String?

    @Option(name: ServeSetting.apiKeys.name, help: ServeSetting.apiKeys.help)
    var adminKeys: [String] = []

    @Option(name: ServeSetting.writeKeys.name, help: ServeSetting.writeKeys.help)
    var writeKeys: [String] = []

    @Option(name: ServeSetting.readKeys.name, help: ServeSetting.readKeys.help)
    var readKeys: [String] = []

    @Option(name: ServeSetting.keysFile.name, help: ServeSetting.keysFile.help)
    var keysFile: String?

    @Flag(name: ServeSetting.requireKeyForReads.name, help: ServeSetting.requireKeyForReads.help)
    var requireKeyForReads = false

    @Option(name: ServeSetting.defaultTTL.name, help: ServeSetting.defaultTTL.help)
    var defaultTTL: String?

    @Option(name: ServeSetting.retention.name, help: ServeSetting.retention.help)
    var retention: String?

    @Option(name: ServeSetting.historyRetention.name, help: ServeSetting.historyRetention.help)
    var historyRetention: String?

    @Option(name: ServeSetting.sweepInterval.name, help: ServeSetting.sweepInterval.help)
    var sweepInterval: String?
    @Option(name: ServeSetting.heartbeatFlush.name, help: ServeSetting.heartbeatFlush.help)
    var heartbeatFlush: String?

    @Option(name: ServeSetting.historyLimit.name, help: ServeSetting.historyLimit.help)
    var historyLimit: Int?

    @Option(name: ServeSetting.idleTimeout.name, help: ServeSetting.idleTimeout.help)
    var idleTimeout: String?

    @Option(name: ServeSetting.readTimeout.name, help: ServeSetting.readTimeout.help)
    var readTimeout: String?

    @Option(name: ServeSetting.maxStreams.name, help: ServeSetting.maxStreams.help)
    var maxStreams: Int?

    @Option(name: ServeSetting.maxStreamsPerKey.name, help: ServeSetting.maxStreamsPerKey.help)
    var maxStreamsPerKey: Int?

    @Option(name: ServeSetting.maxGroups.name, help: ServeSetting.maxGroups.help)
    var maxGroups: Int?

    @Option(name: ServeSetting.maxWorkers.name, help: ServeSetting.maxWorkers.help)
    var maxWorkers: Int?

    @Option(name: ServeSetting.maxNewGroupsPerMinute.name, help: ServeSetting.maxNewGroupsPerMinute.help)
    var maxNewGroupsPerMinute: Int?

    @Option(name: ServeSetting.metricsDepth.name, help: ServeSetting.metricsDepth.help)
    var metricsDepth: Int?

    @Option(name: ServeSetting.sqliteSynchronous.name, help: ServeSetting.sqliteSynchronous.help)
    var sqliteSynchronous: String?

    @Option(name: ServeSetting.publicFolder.name, help: ServeSetting.publicFolder.help)
    var publicFolder: String?

    @Flag(name: ServeSetting.perWorkerMetrics.name, help: ServeSetting.perWorkerMetrics.help)
    var perWorkerMetrics = false

    @Option(name: ServeSetting.pushTTL.name, help: ServeSetting.pushTTL.help)
    var pushTTL: String?

    @Option(name: ServeSetting.publicURL.name, help: ServeSetting.publicURL.help)
    var publicURL: String?

    @Option(name: ServeSetting.expectationsFile.name, help: ServeSetting.expectationsFile.help)
    var expectationsFile: String?

    @Option(name: ServeSetting.webhooksFile.name, help: ServeSetting.webhooksFile.help)
    var webhooksFile: String?

    @Option(name: ServeSetting.notifyWindow.name, help: ServeSetting.notifyWindow.help)
    var notifyWindow: String?

    @Option(name: ServeSetting.notifyRetryMax.name, help: ServeSetting.notifyRetryMax.help)
    var notifyRetryMax: String?

    @Option(name: ServeSetting.notifyGiveUp.name, help: ServeSetting.notifyGiveUp.help)
    var notifyGiveUp: String?

    @Option(name: ServeSetting.logLevel.name, help: ServeSetting.logLevel.help)
    var logLevel: String?

    /// Prints the settings reference of docs/configuration.md instead of serving (`make docs` uses it).
    @Flag(name: .customLong("help-markdown"), help: .hidden)
    var helpMarkdown = false

    func run() async throws {
        if helpMarkdown {
            print(ServeSetting.reference, terminator: "")
            return
        }
        // SIGHUP's default would end the process before the reload's handler is in place.
        signal(SIGHUP, SIG_IGN)
        let environment = ProcessInfo.processInfo.environment
        let reader = try settingsReader(environment: environment)
        let settings = try ServeSettings(reading: reader)
        let logLevel = LogLevelSwitch(settings.logLevel)
        let logger = makeLogger(level: logLevel)
        // Held until the process ends: a second server, or a restore, on the same SQLite file is refused.
        let lock = settings.store.databaseURL == nil ? try DatabaseLock(database: settings.store.databasePath) : nil
        try generateFirstKeyIfNone(settings)
        let store = try await settings.store.open(logger: logger)
        let metrics = ServerMetrics(version: wokmanagerVersion)
        let (flags, configPath) = (givenFlags, configPath)
        let reload = ConfigReload(
            read: { try Self.settingsReader(flags: flags, configPath: configPath, environment: environment) },
            started: reader.givenTexts, logLevel: logLevel, metrics: metrics, logger: logger)
        let disk = settings.store.databaseURL == nil ? [DiskWatch(databasePath: settings.store.databasePath, interval: .seconds(15), metrics: metrics)] : []
        let app: any ApplicationProtocol
        do {
            app = try await buildApplication(
                settings.configuration, store: store, metrics: metrics, services: [reload] + disk, onListening: { SystemdNotifier.notify("READY=1") }, logger: logger)
        } catch {
            try? await store.close()
            throw error
        }
        let scheme = settings.configuration.tls == nil ? "http" : "https"
        logger.info("wokmanager listening", metadata: ["address": "\(scheme)://\(settings.configuration.host):\(settings.configuration.port)"])
        try await app.runService()
        withExtendedLifetime(lock) {}
    }

    /// Every setting, from the flags given, else the `WOKMANAGER_*` variables in `environment`, else the config
    /// file, else the defaults.
    func readSettings(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServeSettings {
        try ServeSettings(reading: settingsReader(environment: environment))
    }

    private func settingsReader(environment: [String: String]) throws -> SettingsReader {
        try Self.settingsReader(flags: givenFlags, configPath: configPath, environment: environment)
    }

    /// A reader over `flags`, the variables in `environment` and the config file (`--config`, else `WOKMANAGER_CONFIG`).
    private static func settingsReader(flags: SettingsReader.Flags, configPath: String?, environment: [String: String]) throws -> SettingsReader {
        SettingsReader(flags: flags, environment: environment, file: try ConfigFile.named(by: configPath, environment: environment))
    }

    /// The flags on the command line, by setting.
    private var givenFlags: SettingsReader.Flags {
        var flags = SettingsReader.Flags()
        flags.add(.host, host)
        flags.add(.port, port)
        flags.add(.tlsCertificate, tlsCertificate)
        flags.add(.tlsKey, tlsKey)
        flags.add(.database, databasePath)
        flags.add(.databaseURL, databaseURL)
        flags.add(.apiKeys, adminKeys)
        flags.add(.writeKeys, writeKeys)
        flags.add(.readKeys, readKeys)
        flags.add(.keysFile, keysFile)
        flags.add(.requireKeyForReads, requireKeyForReads)
        flags.add(.defaultTTL, defaultTTL)
        flags.add(.retention, retention)
        flags.add(.historyRetention, historyRetention)
        flags.add(.sweepInterval, sweepInterval)
        flags.add(.heartbeatFlush, heartbeatFlush)
        flags.add(.historyLimit, historyLimit)
        flags.add(.idleTimeout, idleTimeout)
        flags.add(.readTimeout, readTimeout)
        flags.add(.maxStreams, maxStreams)
        flags.add(.maxStreamsPerKey, maxStreamsPerKey)
        flags.add(.maxGroups, maxGroups)
        flags.add(.maxWorkers, maxWorkers)
        flags.add(.maxNewGroupsPerMinute, maxNewGroupsPerMinute)
        flags.add(.metricsDepth, metricsDepth)
        flags.add(.sqliteSynchronous, sqliteSynchronous)
        flags.add(.publicFolder, publicFolder)
        flags.add(.perWorkerMetrics, perWorkerMetrics)
        flags.add(.pushTTL, pushTTL)
        flags.add(.publicURL, publicURL)
        flags.add(.expectationsFile, expectationsFile)
        flags.add(.webhooksFile, webhooksFile)
        flags.add(.notifyWindow, notifyWindow)
        flags.add(.notifyRetryMax, notifyRetryMax)
        flags.add(.notifyGiveUp, notifyGiveUp)
        flags.add(.logLevel, logLevel)
        return flags
    }

    private func makeLogger(level: LogLevelSwitch) -> Logger {
        LoggingSystem.bootstrap { label in SwitchedLogHandler(label: label, level: level) }
        return Logger(label: "wokmanager")
    }
}
