import Logging
import Synchronization

/// The log level in force for every logger of the server, which a reload of the settings may change.
final class LogLevelSwitch: Sendable {
    private let level: Mutex<Logger.Level>

    init(_ level: Logger.Level) {
        self.level = Mutex(level)
    }

    /// The level in force.
    var current: Logger.Level {
        get { level.withLock { $0 } }
        set { level.withLock { $0 = newValue } }
    }
}

/// Standard error's log handler at the level of a ``LogLevelSwitch``: a logger made before a reload follows it.
///
/// It keeps the logger's metadata itself and hands it to `StreamLogHandler` only with a line to write:
/// `StreamLogHandler` formats its metadata again at every change, and every request sets its id (3 % of a heartbeat).
struct SwitchedLogHandler: LogHandler {
    private let inner: StreamLogHandler
    private let level: LogLevelSwitch

    init(label: String, level: LogLevelSwitch) {
        inner = StreamLogHandler.standardError(label: label)
        self.level = level
    }

    /// The switch's level; setting it on one logger changes nothing (a reload changes it for all).
    var logLevel: Logger.Level {
        get { level.current }
        set {}
    }

    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty { event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit } }
        inner.log(event: event)
    }
}
