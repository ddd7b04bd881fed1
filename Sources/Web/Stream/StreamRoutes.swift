import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Registry
import ServiceLifecycle

/// `GET /stream`: changes as server-sent events, filtered by `group` (a subtree or a glob) and `kinds`
/// (`state`, `error`, `message`, `problem`; all by default). A client that reconnects with `Last-Event-ID` (or
/// `after=`) first gets the history entries it missed. Too many streams answer 429.
struct StreamRoutes<Context: AccessKeyContext & RemoteAddressRequestContext> {
    let feed: ChangeFeed
    let registry: WorkerRegistry

    func register(on group: RouterGroup<Context>) {
        group.get("/stream", use: stream)
    }

    @Sendable func stream(_ request: Request, context: Context) async throws -> Response {
        let parameters = QueryParameters(request, now: registry.clock.now())
        let filter = ChangeFeed.Filter(group: try parameters.group(), kinds: try Self.kinds(parameters.list("kinds")))
        let resumeFrom = try request.headers[.lastEventID].map { try Self.sequence($0, field: "Last-Event-ID") }
            ?? parameters.text("after").map { try Self.sequence($0, field: "after") }
        let client = context.accessKey.map { "key " + $0.name } ?? "address " + (context.remoteAddress?.ipAddress ?? "unknown")
        let subscription: ChangeFeed.Subscription
        do {
            subscription = try feed.subscribe(client: client, filter: filter)
        } catch {
            throw APIError(.tooManyRequests, error.message, field: "stream", headers: [.retryAfter: "5"])
        }
        // What the client missed, up to where the feed takes over.
        let missed: [StreamEvent]
        if let resumeFrom, resumeFrom < subscription.startsAfter {
            let entries = try await registry.history(HistoryQuery(group: filter.group, after: resumeFrom, limit: ChangeFeed.batchSize))
            missed = entries.filter { $0.sequence <= subscription.startsAfter }.compactMap(StreamEvent.init).filter(filter.admits)
        } else {
            missed = []
        }
        let feed = self.feed
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", .xAccelBuffering: "no"],
            body: ResponseBody { writer in
                defer { feed.unsubscribe(subscription.id) }
                // Streams end when the server shuts down: the server waits for open requests before anything else stops.
                try await withGracefulShutdownHandler {
                    try await writer.write(ByteBuffer(string: "retry: 2000\n: connected\n\n"))
                    for event in missed { try await writer.write(ByteBuffer(string: event.text)) }
                    for await event in subscription.events { try await writer.write(ByteBuffer(string: event.text)) }
                } onGracefulShutdown: {
                    feed.unsubscribe(subscription.id)
                }
                try await writer.finish(nil)
            })
    }

    static func kinds(_ names: [String]) throws -> Set<StreamEvent.Kind> {
        guard !names.isEmpty else { return Set(StreamEvent.Kind.allCases) }
        return Set(try names.map { name in
            guard let kind = StreamEvent.Kind(rawValue: name) else {
                throw APIError(.badRequest, "unknown kind '\(name)'; expected one of " + StreamEvent.Kind.allCases.map(\.rawValue).joined(separator: ", "), field: "kinds")
            }
            return kind
        })
    }

    static func sequence(_ text: String, field: String) throws -> Int64 {
        guard let sequence = Int64(text), sequence >= 0 else {
            throw APIError(.badRequest, "must be an event id: a whole number from 0", field: field)
        }
        return sequence
    }
}

extension HTTPField.Name {
    static let lastEventID = Self("Last-Event-ID")!
    /// Tells nginx not to buffer the stream.
    static let xAccelBuffering = Self("X-Accel-Buffering")!
}
