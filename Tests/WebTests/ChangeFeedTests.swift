import Foundation
import Logging
import Registry
import SQLiteExecutor
import Testing

@testable import Web

@Suite("The stream feed")
struct ChangeFeedTests {
    /// Runs `body` with a feed that reads a fresh SQLite store every 20 ms.
    private func withFeed(limits: StreamLimits = StreamLimits(), _ body: (ChangeFeed, any WorkerStore) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wokmanager-feed-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = SQLStore(database: try await SQLiteDatabase.open(path: folder.appendingPathComponent("feed.sqlite").path))
        let registry = WorkerRegistry(store: store)
        let feed = ChangeFeed(registry: registry, limits: limits, interval: .milliseconds(20), logger: Logger(label: "feed-tests"))
        let running = Task { try await feed.run() }
        try await Task.sleep(for: .milliseconds(50))  // the feed has read where the history ends
        try await body(feed, store)
        running.cancel()
        _ = await running.result
        try await store.close()
    }

    private func events(_ count: Int, group: String = "g", kind: EventKind = .message) -> [WorkerEvent] {
        (0..<count).map { WorkerEvent(id: "w\($0 % 10)", group: group, kind: kind, at: Date(), receivedAt: Date(), message: "m\($0)") }
    }

    @Test("a stream gets what its filter admits, in order, and nothing from before it opened")
    func filters() async throws {
        try await withFeed { feed, store in
            _ = try await store.apply(events(3, group: "before"), liveness: Liveness(now: Date(), graceStart: Date(), defaultTTL: 0))
            try await Task.sleep(for: .milliseconds(60))
            let subscription = try feed.subscribe(client: "key a", filter: ChangeFeed.Filter(group: .subtree("product"), kinds: [.message]))
            _ = try await store.apply(
                events(2, group: "product.importer") + events(2, group: "other") + events(1, group: "product", kind: .error),
                liveness: Liveness(now: Date(), graceStart: Date(), defaultTTL: 0))
            var received: [String] = []
            for await event in subscription.events {
                received.append(event.group + " " + (event.kind?.rawValue ?? "ping"))
                if received.count == 2 { break }
            }
            #expect(received == ["product.importer message", "product.importer message"])
        }
    }

    @Test("a reader that falls a whole buffer behind is dropped: its stream ends")
    func slowReaderDropped() async throws {
        try await withFeed { feed, store in
            let subscription = try feed.subscribe(client: "key a", filter: ChangeFeed.Filter(group: nil, kinds: Set(StreamEvent.Kind.allCases)))
            _ = try await store.apply(events(ChangeFeed.bufferSize + 50), liveness: Liveness(now: Date(), graceStart: Date(), defaultTTL: 0))
            // Nothing is read until the feed has given up on this reader.
            for _ in 0..<250 where feed.droppedCount == 0 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(feed.droppedCount == 1)
            var received = 0
            for await _ in subscription.events { received += 1 }
            #expect(received == ChangeFeed.bufferSize, "the buffer, then the end")
            #expect(feed.count == 1, "a dropped stream holds its place until it is let go of: a reader that stops cannot open more")
            subscription.release()
            #expect(feed.count == 0)
        }
    }

    @Test("streams are limited per client and in total; one that ends, or is let go of, frees its place")
    func limits() async throws {
        try await withFeed(limits: StreamLimits(total: 3, perClient: 2)) { feed, _ in
            let all = ChangeFeed.Filter(group: nil, kinds: Set(StreamEvent.Kind.allCases))
            var open = [try feed.subscribe(client: "key a", filter: all), try feed.subscribe(client: "key a", filter: all)]
            #expect(throws: ChangeFeed.TooMany.self) { try feed.subscribe(client: "key a", filter: all) }
            open.append(try feed.subscribe(client: "key b", filter: all))
            #expect(throws: ChangeFeed.TooMany.self) { try feed.subscribe(client: "key c", filter: all) }
            open[0].release()
            #expect(feed.count == 2)
            open.append(try feed.subscribe(client: "key c", filter: all))
            open.removeAll()
            #expect(feed.count == 0, "a stream nobody reads any more is closed")
        }
    }
}
