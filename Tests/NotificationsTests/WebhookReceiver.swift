import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// A real HTTP server on loopback that records every POST and answers 500 to the first `failing` of them.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var path: String
        var headers: [String: String]
        var body: Data

        /// The body as a JSON object (or `[:]`).
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        /// The `id`s of a JSON message's notifications.
        var notificationIDs: [String] { (json["notifications"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
    }

    private let state: Mutex<(received: [Received], failing: Int)>

    init(failing: Int) {
        state = Mutex(([], failing))
    }

    /// What it received so far, oldest first.
    var received: [Received] { state.withLock { $0.received } }

    fileprivate func take(_ request: Received) -> HTTPResponse.Status {
        state.withLock { state in
            state.received.append(request)
            guard state.failing > 0 else { return .noContent }
            state.failing -= 1
            return .internalServerError
        }
    }
}

/// Runs a ``WebhookReceiver`` on a free loopback port for `body`, given the receiver and its base URL.
func withReceiver(failing: Int = 0, _ body: @Sendable (WebhookReceiver, URL) async throws -> Void) async throws {
    let receiver = WebhookReceiver(failing: failing)
    let router = Router()
    let record: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
        var request = request
        let bytes = try await request.collectBody(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        return Response(status: receiver.take(.init(path: request.uri.path, headers: headers, body: Data(bytes.readableBytesView))))
    }
    router.post("/", use: record)
    router.post("**", use: record)
    let (ports, port) = AsyncStream.makeStream(of: Int.self)
    let logger = Logger(label: "webhook-receiver")
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in port.yield(channel.localAddress?.port ?? 0) }, logger: logger)
    let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var listening = ports.makeAsyncIterator()
        let bound = await listening.next() ?? 0
        do {
            try await body(receiver, try #require(URL(string: "http://127.0.0.1:\(bound)")))
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}
