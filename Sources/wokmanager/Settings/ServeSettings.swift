import ArgumentParser
import Foundation
import Logging
import Registry
import SQLiteExecutor
import Web

/// What `wokmanager serve` runs with, read once from its settings (``SettingsReader``). Reading writes nothing:
/// the first key, when none is configured anywhere, is a later step (``Serve/generateFirstKeyIfNone(_:)``).
struct ServeSettings {
    /// The server's configuration.
    var configuration: ServerConfiguration
    /// Where state is kept.
    var store: StoreSettings
    /// The level of the log on standard error.
    var logLevel: Logger.Level

    /// Reads every setting, converting and checking each.
    init(reading settings: SettingsReader) throws {
        let databasePath = settings.text(.database)
        let synchronousName = settings.text(.sqliteSynchronous)
        guard let synchronous = SQLiteDatabase.Synchronous(rawValue: synchronousName.uppercased()) else {
            throw settings.invalid(.sqliteSynchronous, "must be full or normal, not '\(synchronousName)'")
        }
        let levelName = settings.text(.logLevel)
        guard let level = Logger.Level(rawValue: levelName.lowercased()) else {
            throw settings.invalid(.logLevel, "'\(levelName)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        let sweep = try settings.positiveDuration(.sweepInterval)
        let registry = RegistrySettings(
            defaultTTL: try settings.duration(.defaultTTL),
            retention: RetentionPolicy(
                workers: try settings.duration(.retention),
                history: try settings.duration(.historyRetention),
                historyLimit: try settings.integer(.historyLimit)),
            sweepInterval: .milliseconds(Int64(sweep * 1000)),
            pruneInterval: .milliseconds(Int64(sweep * 12_000)),
            capacity: CapacityLimits(
                groups: try settings.positiveInteger(.maxGroups), workers: try settings.positiveInteger(.maxWorkers),
                newGroupsPerMinute: try settings.positiveInteger(.maxNewGroupsPerMinute)),
            heartbeatFlush: try Self.heartbeatFlush(settings))
        configuration = ServerConfiguration(
            host: settings.text(.host),
            port: try settings.integer(.port),
            accessKeys: Self.accessKeys(settings),
            keysFile: settings.given(.keysFile) ?? KeysFile.path(besideDatabase: databasePath),
            readsRequireKey: try settings.flag(.requireKeyForReads),
            registry: registry,
            limits: RequestLimits(
                idleTimeout: .milliseconds(Int64(try settings.positiveDuration(.idleTimeout) * 1000)),
                readTimeout: .milliseconds(Int64(try settings.positiveDuration(.readTimeout) * 1000)),
                streams: StreamLimits(total: try settings.positiveInteger(.maxStreams), perClient: try settings.positiveInteger(.maxStreamsPerKey))),
            publicFolder: settings.text(.publicFolder),
            perWorkerMetrics: try settings.flag(.perWorkerMetrics),
            metricsDepth: try Self.metricsDepth(settings),
            publicURL: try Self.publicURL(settings),
            notifications: NotificationPolicy(
                groupWindow: try settings.duration(.notifyWindow), maxRetryDelay: try settings.positiveDuration(.notifyRetryMax),
                giveUpAfter: try settings.positiveDuration(.notifyGiveUp)),
            expectationsFile: settings.given(.expectationsFile),
            webhooksFile: settings.given(.webhooksFile),
            pushTTL: try settings.optionalPositiveDuration(.pushTTL),
            tls: try Self.tlsFiles(settings))
        store = StoreSettings(
            databasePath: databasePath, databaseURL: settings.given(.databaseURL), synchronous: synchronous,
            notificationPolicy: configuration.notifications)
        logLevel = level
    }

    /// `--heartbeat-flush`: `nil` for 0 (every heartbeat written before its answer); at most a minute, so a crash
    /// loses little.
    private static func heartbeatFlush(_ settings: SettingsReader) throws -> Duration? {
        let seconds = try settings.duration(.heartbeatFlush)
        guard seconds != 0 else { return nil }
        guard seconds >= 0.01, seconds <= 60 else { throw settings.invalid(.heartbeatFlush, "must be 0 or from 10ms to 60s, not '\(settings.text(.heartbeatFlush))'") }
        return .milliseconds(Int64(seconds * 1000))
    }

    /// `--metrics-depth`: from 1 to the deepest a group may be.
    private static func metricsDepth(_ settings: SettingsReader) throws -> Int? {
        guard let text = settings.given(.metricsDepth) else { return nil }
        guard let depth = Int(text), (1...Limits.groupDepth).contains(depth) else {
            throw settings.invalid(.metricsDepth, "must be a whole number from 1 to \(Limits.groupDepth), not '\(text)'")
        }
        return depth
    }

    /// Both TLS files, or neither.
    private static func tlsFiles(_ settings: SettingsReader) throws -> TLSFiles? {
        switch (settings.given(.tlsCertificate), settings.given(.tlsKey)) {
        case (nil, nil): return nil
        case (let certificate?, let key?): return TLSFiles(certificatePath: certificate, keyPath: key)
        case (_?, nil): throw settings.invalid(.tlsCertificate, "needs \(ServeSetting.tlsKey.flag), the certificate's private key")
        case (nil, _?): throw settings.invalid(.tlsKey, "needs \(ServeSetting.tlsCertificate.flag), the key's certificate")
        }
    }

    /// An `http` or `https` URL with a host, without a trailing `/`.
    private static func publicURL(_ settings: SettingsReader) throws -> URL? {
        guard let text = settings.given(.publicURL) else { return nil }
        guard let url = URL(string: text.hasSuffix("/") ? String(text.dropLast()) : text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw settings.invalid(.publicURL, "must be an http or https URL like https://wok.example.com, not '\(text)'")
        }
        return url
    }

    /// The keys given by flags or variables, named by role and position.
    private static func accessKeys(_ settings: SettingsReader) -> [AccessKey] {
        let roles: [(AccessRole, ServeSetting)] = [(.admin, .apiKeys), (.write, .writeKeys), (.read, .readKeys)]
        return roles.flatMap { role, setting in
            settings.list(setting).enumerated().map { index, secret in
                AccessKey(name: "\(role.rawValue)-option-\(index + 1)", role: role, secret: secret)
            }
        }
    }
}
