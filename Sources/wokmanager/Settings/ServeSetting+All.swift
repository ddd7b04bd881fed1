import Logging
import Registry
import Web

/// Every setting of `wokmanager serve`. Defaults that the server's libraries define are taken from them.
extension ServeSetting {
    private static let defaults = ServerConfiguration(accessKeys: [])
    private static let storeDefaults = StoreSettings()

    static let host = ServeSetting(
        "host", .text, .value(defaults.host), "address to listen on (`0.0.0.0` for all interfaces)")
    static let port = ServeSetting(
        "port", .integer, .value(String(defaults.port)), "port to listen on")
    static let tlsCertificate = ServeSetting(
        "tls-cert", .text, .none("none: plain HTTP"),
        "PEM certificate (with any intermediates) to serve HTTPS with, TLS 1.2 or newer; with `--tls-key`; re-read within 2 s of a change")
    static let tlsKey = ServeSetting(
        "tls-key", .text, .none("none"), "PEM private key of `--tls-cert`")
    static let database = ServeSetting(
        "database", .text, .value(storeDefaults.databasePath), "the SQLite file; its folder is created")
    static let databaseURL = ServeSetting(
        "database-url", .text, .none("unset"),
        "`postgres://user:password@host:5432/db`: keep state in PostgreSQL so several replicas share it; the SQLite file is then unused",
        isSecret: true)
    static let apiKeys = ServeSetting(
        "api-keys", flag: "api-key", .list, .none("one generated on the first start"), "admin keys: they may do everything",
        isSecret: true)
    static let writeKeys = ServeSetting(
        "write-keys", flag: "write-key", .list, .none("none"), "keys that may only report events", isSecret: true)
    static let readKeys = ServeSetting(
        "read-keys", flag: "read-key", .list, .none("none"), "keys that may only read", isSecret: true)
    static let keysFile = ServeSetting(
        "keys-file", .text, .none("`wokmanager.keys` beside the database"),
        "the keys file `wokmanager keys` manages (digests only), re-read within 2 s of a change")
    static let requireKeyForReads = ServeSetting(
        "require-key-for-reads", .flag, .none("off"), "reads need a key too")
    static let defaultTTL = ServeSetting(
        "default-ttl", .duration, .value(DurationText.text(seconds: defaults.registry.defaultTTL)),
        "TTL of workers that send none; 0 = never lost")
    static let retention = ServeSetting(
        "retention", .duration, .value(DurationText.text(seconds: defaults.registry.retention.workers)),
        "how long stopped, failed and lost workers stay listed")
    static let historyRetention = ServeSetting(
        "history-retention", .duration, .value(DurationText.text(seconds: defaults.registry.retention.history)),
        "how long history, messages, errors and the hourly samples of the charts are kept")
    static let sweepInterval = ServeSetting(
        "sweep-interval", .duration, .value(DurationText.text(defaults.registry.sweepInterval)),
        "how often lost workers are recorded in their history; retention runs every 12th sweep")
    static let heartbeatFlush = ServeSetting(
        "heartbeat-flush", .duration, .value("1s"),
        "heartbeats that change no state are answered from memory and written together this often; 0 writes each before answering (docs/reliability.md)")
    static let historyLimit = ServeSetting(
        "history-limit", .integer, .value(String(defaults.registry.retention.historyLimit)),
        "most history entries kept; the oldest go first")
    static let idleTimeout = ServeSetting(
        "idle-timeout", .duration, .value(DurationText.text(defaults.limits.idleTimeout)),
        "a connection with no complete request head, or silent between requests, is closed after this long")
    static let readTimeout = ServeSetting(
        "read-timeout", .duration, .value(DurationText.text(defaults.limits.readTimeout)),
        "a request whose head and body take longer than this to arrive is dropped with its connection (a byte-by-byte sender cannot hold it)")
    static let maxStreams = ServeSetting(
        "max-streams", .integer, .value(String(defaults.limits.streams.total)),
        "most streams (`GET /stream`, the live page) open at once; one more is answered 429")
    static let maxStreamsPerKey = ServeSetting(
        "max-streams-per-key", .integer, .value(String(defaults.limits.streams.perClient)),
        "most streams open at once for one key, or one address when reads need no key")
    static let maxGroups = ServeSetting(
        "max-groups", .integer, .value(String(CapacityLimits.defaults.groups)),
        "most groups kept; an event that would create one more is answered 422 (docs/limits.md)")
    static let maxWorkers = ServeSetting(
        "max-workers", .integer, .value(String(CapacityLimits.defaults.workers)),
        "most workers kept, whatever their status; an event that would create one more is answered 422")
    static let maxNewGroupsPerMinute = ServeSetting(
        "max-new-groups-per-minute", .integer, .value(String(CapacityLimits.defaults.newGroupsPerMinute)),
        "most new groups one key may create in a minute (a bucket of this size, refilled over the minute); past it 429")
    static let metricsDepth = ServeSetting(
        "metrics-depth", .integer, .none("every group as it is"),
        "`/metrics` reports a group deeper than this many segments as its ancestor at this depth, for fewer series")
    static let sqliteSynchronous = ServeSetting(
        "sqlite-synchronous", .text, .value(storeDefaults.synchronous.rawValue.lowercased()),
        "`full`: commits survive power loss; `normal`: they survive a crash of the process")
    static let publicFolder = ServeSetting(
        "public", .text, .value(defaults.publicFolder),
        "the folder of static files (stylesheet, script, icon) served under `/static/`")
    static let perWorkerMetrics = ServeSetting(
        "per-worker-metrics", .flag, .none("off"),
        "`/metrics` gets a last-seen series per worker (one series per worker: mind the cardinality)")
    static let pushTTL = ServeSetting(
        "push-ttl", .duration, .none("learnt: 3 times the longest interval between a run's pushes"),
        "TTL of pushes through the Pushgateway API (`/metrics/job/...`) without a `Wokmanager-TTL` header")
    static let publicURL = ServeSetting(
        "public-url", .text, .none("the listening address"),
        "the address people open the status page at (`https://wok.example.com`), for links in notifications")
    static let expectationsFile = ServeSetting(
        "expectations-file", .text, .none("none"),
        "a YAML file of expectations (docs/attention.md), re-read within 2 s of a change; one that does not parse is reported and the previous expectations stay")
    static let webhooksFile = ServeSetting(
        "webhooks-file", .text, .none("none"),
        "a YAML file of webhooks (docs/notifications.md), re-read within 2 s of a change; they cannot be changed through the API, and one that does not parse is reported and the previous webhooks stay")
    static let notifyWindow = ServeSetting(
        "notify-window", .duration, .value(DurationText.text(seconds: defaults.notifications.groupWindow)),
        "changes to one webhook within this long of the first go out as one message")
    static let notifyRetryMax = ServeSetting(
        "notify-retry-max", .duration, .value(DurationText.text(seconds: defaults.notifications.maxRetryDelay)),
        "longest wait between two attempts of a failed delivery (the first waits 5s, each next one twice as long)")
    static let notifyGiveUp = ServeSetting(
        "notify-give-up", .duration, .value(DurationText.text(seconds: defaults.notifications.giveUpAfter)),
        "a notification not delivered this long after its change is given up (and logged)")
    static let logLevel = ServeSetting(
        "log-level", .text, .value(Logger.Level.info.rawValue),
        "`trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`; `debug` logs every request (path, status, time)")

    /// Every setting, in the order of `serve --help` and of docs/configuration.md.
    static let all: [ServeSetting] = [
        host, port, tlsCertificate, tlsKey, database, databaseURL, apiKeys, writeKeys, readKeys, keysFile, requireKeyForReads, defaultTTL, retention,
        historyRetention, sweepInterval, heartbeatFlush, historyLimit, idleTimeout, readTimeout, maxStreams, maxStreamsPerKey, maxGroups, maxWorkers,
        maxNewGroupsPerMinute, metricsDepth, sqliteSynchronous, publicFolder, perWorkerMetrics,
        pushTTL, publicURL, expectationsFile, webhooksFile, notifyWindow, notifyRetryMax, notifyGiveUp, logLevel,
    ]
}
