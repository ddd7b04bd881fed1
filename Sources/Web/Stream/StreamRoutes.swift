import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Registry
import ServiceLifecycle

/// `GET /stream`: changes as server-sent events, filtered by `group` (a subtree or a glob) and `kinds`
/// (`state`, `error`, `message`, `problem`; all by default). A client that reconnects with `Last-Event-ID` (or
/// `after=`) first gets the history entries it missed (the newest ``maxMissed``). Too many streams answer 429.
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
        let missed = try await missedEvents(after: resumeFrom, upTo: subscription.startsAfter, filter: filter)
        // The body holds the subscription: a response never sent (HEAD, a client gone) frees the stream's place with it.
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", .xAccelBuffering: "no"],
            body: ResponseBody { writer in
                defer { subscription.release() }
                // Streams end when the server shuts down: the server waits for open requests before anything else stops.
                try await withGracefulShutdownHandler {
                    try await writer.write(ByteBuffer(string: "retry: 2000\n: connected\n\n"))
                    for event in missed { try await writer.write(ByteBuffer(string: event.text)) }
                    for await event in subscription.events { try await writer.write(ByteBuffer(string: event.text)) }
                } onGracefulShutdown: {
                    subscription.release()
                }
                try await writer.finish(nil)
            })
    }

    /// Most history entries a reconnecting stream is sent before it goes on live.
    static var maxMissed: Int { 10 * ChangeFeed.batchSize }

    /// The events of the history entries after `resumeFrom` up to `end`, where the feed takes over; at most the
    /// ``maxMissed`` newest of them.
    private func missedEvents(after resumeFrom: Int64?, upTo end: Int64, filter: ChangeFeed.Filter) async throws -> [StreamEvent] {
        guard var cursor = resumeFrom.map({ max($0, end - Int64(Self.maxMissed)) }) else { return [] }
        var missed: [StreamEvent] = []
        while cursor < end {
            let entries = try await registry.history(HistoryQuery(group: filter.group, after: cursor, limit: ChangeFeed.batchSize))
            missed += entries.filter { $0.sequence <= end }.compactMap(StreamEvent.init).filter(filter.admits)
            guard let last = entries.last?.sequence, entries.count == ChangeFeed.batchSize else { break }
            cursor = last
        }
        return missed
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
