import Hummingbird
import HummingbirdAuth
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import Notifications
import Registry
import ServiceLifecycle
import WokmanagerMetrics

/// The version reported by `wokmanager --version` and `wokmanager_build_info`.
public let wokmanagerVersion = "0.2.0"

/// The error `buildApplication` throws for a configuration it cannot serve.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
}

/// Builds the server over an opened store: creates the registry, and wires routes and services.
///
/// `wokmanager serve` and the tests both call this; tests pass a store on a temporary database and a
/// ``ManualClock``. The store's own services run first in the service group, so they stop last, after the
/// registry has written what it holds; `extraServices` (the settings' reload) run beside the server's own, and
/// `onListening` runs once the port accepts connections.
public func buildApplication(
    _ configuration: ServerConfiguration,
    store: any WorkerStore,
    clock: WallClock = .system,
    metrics: ServerMetrics = ServerMetrics(version: wokmanagerVersion),
    services extraServices: [any Service] = [],
    onListening: @escaping @Sendable () async -> Void = {},
    logger: Logger
) async throws -> some ApplicationProtocol {
    let keys = try KeyRing(configured: configuration.accessKeys, file: configuration.keysFile)
    guard keys.count > 0 else {
        throw ConfigurationError(description: "no API key configured: writes would be open to anyone")
    }
    // Read before anything that must be shut down is made: a certificate that does not load stops the start here.
    let (server, tlsServices) = try httpServer(configuration, metrics: metrics, logger: logger)
    let registry = WorkerRegistry(
        store: store, settings: configuration.registry, clock: clock,
        onCommit: { events, duration in metrics.recordCommit(events: events, duration: duration) },
        onCommitFailure: { error in metrics.recordWriteFailure(error) })
    let renderer = try await PageRenderer.load()
    // Made last: its HTTP client must be shut down by the service group, which only a built application has.
    let notifications = NotificationDispatcher(
        outbox: store, pageURL: configuration.pageURL, policy: configuration.notifications, holdsLease: { await store.holdsMaintenanceLease() }, now: { clock.now() },
        onDelivery: { webhook, delivered, givenUp in metrics.recordDelivery(webhook: webhook, delivered: delivered, givenUp: givenUp) }, logger: logger)
    let feed = ChangeFeed(registry: registry, limits: configuration.limits.streams, logger: logger)
    let router = buildRouter(
        registry: registry, keys: keys, configuration: configuration, metrics: metrics, renderer: renderer, notifications: notifications, feed: feed)
    return Application(
        responder: HeadRequestResponder(inner: router.buildResponder()),
        server: server,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "wokmanager"),
        services: store.services + [
            RegistryService(registry: registry, logger: logger), KeysFileWatcher(keys: keys, interval: .seconds(2), logger: logger),
            DeclarationsFileWatcher(
                what: "expectations", path: configuration.expectationsFile, interval: .seconds(2), logger: logger,
                apply: { text in
                    let expectations = try text.map { text throws(EventValidationError) in try ExpectationsFile.parse(text, since: clock.now()) } ?? []
                    try await store.replaceFileExpectations(expectations)
                    return expectations.count
                },
                onReload: { loaded in metrics.recordReload(of: .expectations, succeeded: loaded) }),
            DeclarationsFileWatcher(
                what: "webhooks", path: configuration.webhooksFile, interval: .seconds(2), logger: logger,
                apply: { text in
                    let webhooks = try text.map { text throws(EventValidationError) in try WebhooksFile.parse(text, now: clock.now()) } ?? []
                    try await store.replaceFileWebhooks(webhooks)
                    return webhooks.count
                },
                onReload: { loaded in metrics.recordReload(of: .webhooks, succeeded: loaded) }),
            notifications, feed,
        ] + tlsServices + extraServices,
        onServerRunning: { _ in await onListening() },
        logger: logger
    )
}

/// HTTP/1.1, over TLS when the configuration names a certificate, with the service that rotates it.
func httpServer(_ configuration: ServerConfiguration, metrics: ServerMetrics, logger: Logger) throws -> (HTTPServerBuilder, [any Service]) {
    let http = HTTPServerBuilder.http1(configuration: httpConfiguration(configuration.limits, logger: logger))
    guard let files = configuration.tls else { return (http, []) }
    let certificate: ServingCertificate
    do {
        certificate = try ServingCertificate(files: files)
    } catch {
        throw ConfigurationError(description: error.description)
    }
    let watcher = ServingCertificateWatcher(certificate: certificate, interval: .seconds(2), metrics: metrics, logger: logger)
    return (try .tls(http, tlsConfiguration: certificate.serverConfiguration()), [watcher])
}

/// HTTP/1.1 with the header limits and both timeouts of ``RequestLimits``, and JSON errors for what the parser refuses.
func httpConfiguration(_ limits: RequestLimits, logger: Logger) -> HTTP1Channel.Configuration {
    let readTimeout = TimeAmount(limits.readTimeout)
    return HTTP1Channel.Configuration(
        additionalChannelHandlers: [RequestReadDeadline(timeout: readTimeout, logger: logger), ParserErrorAnswer()],
        idleTimeout: TimeAmount(limits.idleTimeout),
        httpDecoderConfiguration: .init(
            maxHeaderFieldSize: RequestLimits.headerBytes, maxHeaderListSize: RequestLimits.headerBytes,
            maxHeaderFieldCount: RequestLimits.headerCount))
}

/// The routes, with JSON errors everywhere (405 with `Allow` for a routed path's other methods), gzip where the
/// client allows it, and a key of the right role where one is required: `write` to report events, `admin` to
/// deregister, `read` for reads when ``ServerConfiguration/readsRequireKey`` is set. A browser signed in at
/// `/sign-in` carries its key in a session; the page's actions check the session's role and CSRF token themselves.
func buildRouter(
    registry: WorkerRegistry, keys: KeyRing, configuration: ServerConfiguration, metrics: ServerMetrics, renderer: PageRenderer,
    notifications: NotificationDispatcher, feed: ChangeFeed
) -> Router<WokmanagerRequestContext> {
    let router = Router(context: WokmanagerRequestContext.self)
    router.add(middleware: RequestLogMiddleware(metrics: metrics))
    router.add(middleware: ResponseCompressionMiddleware())
    router.add(middleware: JSONErrorMiddleware())
    router.add(middleware: PathTraversalGuard())
    router.add(middleware: StaticFiles.middleware(folder: configuration.publicFolder))
    // Behind TLS (a public URL on https) the session cookie is sent over TLS only.
    let secureCookies = configuration.pageURL.scheme == "https"
    router.add(middleware: SessionMiddleware(
        storage: StoreSessionDriver(store: registry.store, clock: registry.clock),
        configuration: SessionMiddlewareConfiguration(
            sessionCookieParameters: SessionCookieParameters(name: "wokmanager_session", path: "/", secure: secureCookies, sameSite: .strict),
            keyPrefix: "", defaultSessionExpiration: PageSession.lifetime)))
    func requiring(_ role: AccessRole) -> AccessMiddleware<WokmanagerRequestContext> {
        AccessMiddleware(keys: keys, required: role, metrics: metrics)
    }

    let writes = router.group().add(middleware: requiring(.write))
    EventRoutes(registry: registry, limits: configuration.limits, metrics: metrics).register(on: writes)
    PushRoutes(registry: registry, limits: configuration.limits, pushTTL: configuration.pushTTL, metrics: metrics).register(on: writes)
    let admin = router.group().add(middleware: requiring(.admin))
    AdminRoutes(registry: registry).register(on: admin)
    WebhookRoutes(outbox: registry.store, dispatcher: notifications, clock: registry.clock).register(on: admin)

    let reads = configuration.readsRequireKey ? router.group().add(middleware: requiring(.read)) : router.group()
    ProblemRoutes(registry: registry).register(reads: reads, admin: admin)
    ExpectationRoutes(registry: registry).register(reads: reads, admin: admin)
    SilenceRoutes(registry: registry).register(reads: reads, admin: admin)
    HealthRoutes(registry: registry, serverMetrics: metrics, perWorkerMetrics: configuration.perWorkerMetrics, metricsDepth: configuration.metricsDepth)
        .register(health: router.group(), metrics: reads)
    QueryRoutes(registry: registry).register(on: reads)
    SeriesRoutes(registry: registry).register(on: reads)
    StreamRoutes(feed: feed, registry: registry).register(on: reads)
    PageRoutes(registry: registry, renderer: renderer, keys: keys).register(on: reads)
    SignInRoutes(keys: keys, renderer: renderer, metrics: metrics, secureCookies: secureCookies).register(on: router.group())
    PageActionRoutes(registry: registry, keys: keys, renderer: renderer).register(on: router.group())
    router.add(middleware: MethodNotAllowedMiddleware(routesOf: router))  // after the last route, as it reads them
    return router
}
