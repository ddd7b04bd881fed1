import Logging
import ServiceLifecycle
import UnixSignals
import WokmanagerMetrics

/// On `SIGHUP`, reads the settings again (the same flags and variables, the config file as it is now),
/// applies what can change while the server runs, and logs what changed and what waits for a restart.
/// Settings that do not read are logged and change nothing, as Prometheus treats its own config; the keys file,
/// the TLS files, the expectations file and the webhooks file need no signal (each is re-read within 2 s of a change).
struct ConfigReload: Service, CustomStringConvertible {
    /// The settings a reload applies at once; any other change is logged as waiting for a restart.
    static let appliedWhileRunning: Set<String> = [ServeSetting.logLevel.key]

    /// Reads the settings as a start would.
    let read: @Sendable () throws -> SettingsReader
    /// The settings in force when the server started (``SettingsReader/givenTexts``).
    let started: [String: String]
    let logLevel: LogLevelSwitch
    let metrics: ServerMetrics
    let logger: Logger

    /// How ServiceLifecycle's log names it (not its fields: they hold the settings).
    var description: String { "ConfigReload" }

    func run() async {
        var inForce = started
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            inForce = reload(over: inForce)
        }
    }

    /// One reload over the settings `inForce`; returns them as they are in force after it.
    func reload(over inForce: [String: String]) -> [String: String] {
        let reader: SettingsReader
        let settings: ServeSettings
        do {
            reader = try read()
            settings = try ServeSettings(reading: reader)
        } catch {
            logger.error("configuration not reloaded: the running settings stay", metadata: ["error": "\(Serve.message(for: error))"])
            metrics.recordConfigReload(succeeded: false)
            return inForce
        }
        let read = reader.givenTexts
        let changed = Set(inForce.keys).union(read.keys).filter { inForce[$0] != read[$0] }
        let applied = changed.intersection(Self.appliedWhileRunning)
        logLevel.current = settings.logLevel
        var after = inForce
        for key in applied { after[key] = read[key] }
        let waiting = Set(after.keys).union(read.keys).filter { after[$0] != read[$0] }
        logger.notice(
            "configuration reloaded",
            metadata: ["applied": "\(applied.sorted())", "needs_restart": "\(waiting.sorted())"])
        metrics.recordConfigReload(succeeded: true)
        return after
    }
}
