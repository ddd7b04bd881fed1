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
struct SwitchedLogHandler: LogHandler {
    private var inner: StreamLogHandler
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

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        inner.log(event: event)
    }
}
