import Foundation
import Logging
import Registry
import ServiceLifecycle
import Synchronization

/// Feeds the open streams (`GET /stream`): every ``interval`` it reads the history entries stored since the last
/// read, and the problems opened or resolved since, once for all streams, and hands each stream what
/// its filter admits. It reads the store, not this server's own commits, so a stream also sees what the other
/// replicas of a PostgreSQL store were told.
///
/// A stream is bounded: a reader that falls ``bufferSize`` events behind is dropped (its stream ends), never
/// buffered without bound. There are at most ``StreamLimits/total`` streams, and ``StreamLimits/perClient`` per
/// key (or per address, for reads without a key); a stream counts until its ``Subscription`` is let go of, even
/// after it was dropped, so a client that stops reading cannot open more. On shutdown every stream ends cleanly.
final class ChangeFeed: Service, Sendable {
    /// How many events a stream may fall behind before it is dropped.
    static let bufferSize = 1000
    /// Most history entries read at once.
    static let batchSize = 1000

    /// Which events a stream wants.
    struct Filter: Sendable {
        var group: GroupFilter?
        var kinds: Set<StreamEvent.Kind>

        func admits(_ event: StreamEvent) -> Bool {
            guard let kind = event.kind else { return true }
            return kinds.contains(kind) && (group?.matches(event.group) ?? true)
        }
    }

    /// A stream's events and the sequence number it starts after (what came before is read from the history).
    /// Its place is freed when the last copy of it is let go of (a response never sent included), or by ``release``.
    struct Subscription: Sendable {
        let events: AsyncStream<StreamEvent>
        let startsAfter: Int64
        private let lease: Lease

        fileprivate init(events: AsyncStream<StreamEvent>, startsAfter: Int64, lease: Lease) {
            self.events = events
            self.startsAfter = startsAfter
            self.lease = lease
        }

        /// Ends the stream and frees its place now.
        func release() {
            lease.release()
        }
    }

    /// Holds a stream's place while anything holds its subscription.
    fileprivate final class Lease: Sendable {
        let id: Int
        weak let feed: ChangeFeed?

        init(id: Int, feed: ChangeFeed) {
            self.id = id
            self.feed = feed
        }

        func release() {
            feed?.release(id)
        }

        deinit { release() }
    }

    /// Refused: too many streams, in total or for this client.
    struct TooMany: Error {
        let message: String
    }

    private struct Subscriber {
        let client: String
        let filter: Filter
        let continuation: AsyncStream<StreamEvent>.Continuation
        /// Dropped for falling behind: sent nothing more, but still counted until released.
        var dropped = false
    }

    private struct State {
        var subscribers: [Int: Subscriber] = [:]
        var nextID = 0
        var cursor: Int64 = 0
        var closed = false
    }

    private let registry: WorkerRegistry
    private let limits: StreamLimits
    private let interval: Duration
    private let pingEvery: Int
    private let logger: Logger
    private let state = Mutex(State())
    /// Problem changes already sent, with when they were seen, so the overlapping reads send each once.
    private let sentProblems = Mutex<[String: Date]>([:])

    init(registry: WorkerRegistry, limits: StreamLimits, interval: Duration = .milliseconds(500), logger: Logger) {
        self.registry = registry
        self.limits = limits
        self.interval = interval
        self.pingEvery = max(1, Int(Duration.seconds(15) / interval))
        self.logger = logger
    }

    /// How many streams are open (dropped ones included, until let go of).
    var count: Int { state.withLock { $0.subscribers.count } }

    /// How many streams were dropped for falling behind and are not let go of yet.
    var droppedCount: Int { state.withLock { $0.subscribers.values.count(where: \.dropped) } }

    /// Opens a stream for `client` (a key's name, or an address).
    func subscribe(client: String, filter: Filter) throws(TooMany) -> Subscription {
        let (stream, continuation) = AsyncStream<StreamEvent>.makeStream(bufferingPolicy: .bufferingOldest(Self.bufferSize))
        let opened: Result<(Int, Int64), TooMany> = state.withLock { state in
            if state.closed { return .failure(TooMany(message: "the server is shutting down")) }
            if state.subscribers.count >= limits.total {
                return .failure(TooMany(message: "\(limits.total) streams are open, the most this server allows"))
            }
            if state.subscribers.values.count(where: { $0.client == client }) >= limits.perClient {
                return .failure(TooMany(message: "\(limits.perClient) streams are open for \(client), the most one client may have"))
            }
            let id = state.nextID
            state.nextID += 1
            state.subscribers[id] = Subscriber(client: client, filter: filter, continuation: continuation)
            return .success((id, state.cursor))
        }
        let (id, cursor) = try opened.get()
        return Subscription(events: stream, startsAfter: cursor, lease: Lease(id: id, feed: self))
    }

    fileprivate func release(_ id: Int) {
        state.withLock { $0.subscribers.removeValue(forKey: id) }?.continuation.finish()
    }

    func run() async throws {
        var problemsSince = registry.clock.now()
        var ticks = 0
        var started = false
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                do {
                    if !started {
                        // Where the history ends, read again until the store answers (it may be starting too).
                        let newest = try await registry.store.newestSequence()
                        state.withLock { $0.cursor = max($0.cursor, newest) }
                        started = true
                    }
                    try await Task.sleep(for: interval)
                    ticks += 1
                    problemsSince = try await poll(problemsSince: problemsSince, ping: ticks % pingEvery == 0)
                } catch is CancellationError {
                    break
                } catch {
                    logger.warning("the stream feed could not read the store", metadata: ["error": "\(EscapedText.escaped(String(describing: error)))"])
                }
            }
        } onGracefulShutdown: {
            self.closeAll()
        }
        closeAll()
    }

    /// One read of the store for every stream; returns when the next read of problems starts.
    private func poll(problemsSince: Date, ping: Bool) async throws -> Date {
        let (listening, cursor) = state.withLock { (!$0.subscribers.isEmpty, $0.cursor) }
        let now = registry.clock.now()
        guard listening else {
            // Nobody listens: only keep up, so that a first stream does not get the backlog; but not past a stream
            // that opened meanwhile, which starts where the cursor was.
            let newest = try await registry.store.newestSequence()
            state.withLock { if $0.subscribers.isEmpty { $0.cursor = max($0.cursor, newest) } }
            return now
        }
        let entries = try await registry.history(HistoryQuery(after: cursor, limit: Self.batchSize))
        // Problems opened or resolved since the last read, and a second before it: a change committed during the
        // last read is not missed; `sentProblems` keeps it from being sent twice.
        let problems = try await registry.problems(ProblemQuery(states: Set(ProblemState.allCases), since: problemsSince.addingTimeInterval(-1), limit: 1000))
        var events = entries.compactMap(StreamEvent.init)
        events += newProblemChanges(problems, now: now).sorted { ($0.resolvedAt ?? $0.openedAt) < ($1.resolvedAt ?? $1.openedAt) }.map(StreamEvent.init)
        if ping { events.append(.ping) }
        deliver(events, cursor: entries.last?.sequence)
        return now
    }

    private func newProblemChanges(_ problems: [Problem], now: Date) -> [Problem] {
        sentProblems.withLock { sent in
            sent = sent.filter { now.timeIntervalSince($0.value) < 10 }
            return problems.filter { problem in
                let key = "\(problem.id)/\(problem.state.rawValue)/\(problem.acknowledgement?.at.timeIntervalSince1970 ?? 0)"
                guard sent[key] == nil else { return false }
                sent[key] = now
                return true
            }
        }
    }

    /// Hands `events` to the streams that want them, dropping a stream whose reader has fallen too far behind.
    private func deliver(_ events: [StreamEvent], cursor: Int64?) {
        let dropped: [Subscriber] = state.withLock { state in
            if let cursor { state.cursor = max(state.cursor, cursor) }
            var dropped: [Subscriber] = []
            for (id, subscriber) in state.subscribers where !subscriber.dropped {
                for event in events where subscriber.filter.admits(event) {
                    if case .dropped = subscriber.continuation.yield(event) {
                        dropped.append(subscriber)
                        state.subscribers[id]?.dropped = true
                        break
                    }
                }
            }
            return dropped
        }
        for subscriber in dropped {
            logger.notice("dropped a stream that fell too far behind", metadata: ["client": "\(subscriber.client)"])
            subscriber.continuation.finish()
        }
    }

    /// Ends every stream; no new one opens.
    private func closeAll() {
        let subscribers = state.withLock { state in
            state.closed = true
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.continuation.finish() }
    }
}

/// How many streams may be open.
public struct StreamLimits: Sendable, Equatable {
    /// In all.
    public var total: Int
    /// For one key, or one address when reads need no key.
    public var perClient: Int

    /// Creates limits.
    public init(total: Int = 1000, perClient: Int = 100) {
        self.total = total
        self.perClient = perClient
    }
}
