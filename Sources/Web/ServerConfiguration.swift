import Foundation
import Registry

/// What the web server is configured with (flags and `WOKMANAGER_*` variables, see docs/configuration.md); the
/// store is chosen and opened by the caller.
public struct ServerConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port to listen on (the seed's 5000 by default).
    public var port: Int
    /// Keys given on the command line or in variables (the keys file adds more).
    public var accessKeys: [AccessKey]
    /// The keys file (see ``KeysFile``), read at start and again whenever it changes; `nil` for none.
    public var keysFile: String?
    /// When `true`, reads need a key too; by default they are open.
    public var readsRequireKey: Bool
    /// Liveness and retention rules.
    public var registry: RegistrySettings
    /// Bounds on request bodies.
    public var limits: RequestLimits
    /// The folder of static files served under `/static/` (the repository's `Public/`).
    public var publicFolder: String
    /// When `true`, `/metrics` has a last-seen series per worker (one series per worker: mind the cardinality).
    public var perWorkerMetrics: Bool
    /// `/metrics` reports groups deeper than this as their ancestor at this depth; `nil` reports every group as it is.
    public var metricsDepth: Int?
    /// The address people reach the server at (`https://wok.example.com`), for links in notifications; `nil`
    /// links to the listening address.
    public var publicURL: URL?
    /// How notifications are grouped, retried and given up.
    public var notifications: NotificationPolicy
    /// The declarative expectations file, re-read when it changes; `nil` for none.
    public var expectationsFile: String?
    /// The declarative webhooks file, re-read when it changes; `nil` for none.
    public var webhooksFile: String?
    /// The TTL of a push through the Pushgateway API without a `Wokmanager-TTL` header, in seconds; `nil` learns
    /// it: three times the longest interval between a run's pushes (before the second, the default TTL).
    public var pushTTL: Double?
    /// The certificate and key to serve HTTPS with; `nil` serves plain HTTP.
    public var tls: TLSFiles?

    /// Creates a configuration with the documented defaults.
    public init(
        host: String = "127.0.0.1", port: Int = 5000, accessKeys: [AccessKey], keysFile: String? = nil, readsRequireKey: Bool = false,
        registry: RegistrySettings = RegistrySettings(), limits: RequestLimits = RequestLimits(), publicFolder: String = "Public",
        perWorkerMetrics: Bool = false, metricsDepth: Int? = nil, publicURL: URL? = nil, notifications: NotificationPolicy = NotificationPolicy(), expectationsFile: String? = nil,
        webhooksFile: String? = nil,
        pushTTL: Double? = nil, tls: TLSFiles? = nil
    ) {
        self.host = host
        self.port = port
        self.accessKeys = accessKeys
        self.keysFile = keysFile
        self.readsRequireKey = readsRequireKey
        self.registry = registry
        self.limits = limits
        self.publicFolder = publicFolder
        self.perWorkerMetrics = perWorkerMetrics
        self.metricsDepth = metricsDepth
        self.publicURL = publicURL
        self.notifications = notifications
        self.expectationsFile = expectationsFile
        self.webhooksFile = webhooksFile
        self.pushTTL = pushTTL
        self.tls = tls
    }
}

/// What the server reads of one request: body sizes (larger answers 413), header limits (more answers
/// 400 and closes the connection) and how long a client may take.
public struct RequestLimits: Sendable, Equatable {
    /// Most header fields in one request.
    public static let headerCount = 100
    /// Most bytes of all header fields together (and of any one of them).
    public static let headerBytes = 16 << 10

    /// `POST /worker/state` body, in bytes (64 KiB).
    public var eventBody: Int
    /// `POST /events` body as sent, in bytes (8 MiB).
    public var batchBody: Int
    /// `POST /events` body after gzip decompression, in bytes (32 MiB).
    public var batchDecompressed: Int

    /// A connection with no complete request head, or silent between requests, for this long is closed.
    public var idleTimeout: Duration
    /// A request whose head and body take longer than this to arrive is dropped with its connection.
    public var readTimeout: Duration
    /// How many streams (`GET /stream`) may be open.
    public var streams: StreamLimits

    /// Creates limits.
    public init(
        eventBody: Int = 64 << 10, batchBody: Int = 8 << 20, batchDecompressed: Int = 32 << 20,
        idleTimeout: Duration = .seconds(60), readTimeout: Duration = .seconds(60), streams: StreamLimits = StreamLimits()
    ) {
        self.streams = streams
        self.eventBody = eventBody
        self.batchBody = batchBody
        self.batchDecompressed = batchDecompressed
        self.idleTimeout = idleTimeout
        self.readTimeout = readTimeout
    }
}
