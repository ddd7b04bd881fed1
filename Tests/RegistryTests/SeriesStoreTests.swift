import Foundation
import Testing

@testable import Registry

/// The time series the page draws: sampled per tree node, read back per resolution, kept as retention says.
@Suite("Series")
struct SeriesStoreTests {
    private func minute(_ index: Double) -> Date { t0.addingTimeInterval(60 * index) }

    @Test("a sample counts each node's workers by status and its events and errors so far; an hour keeps its latest minute", arguments: StoreKind.available)
    func samplesPerNode(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.apply([
                event(.started, id: "Importer01"), event(.started, id: "Importer02"),
                event(.started, id: "Exporter01", group: "product.exporter", ttl: 30),
                event(.error, id: "Exporter01", group: "product.exporter", message: "row 17"),
            ], liveness: liveness(at: 0))
            #expect(try await store.recordSamples(at: minute(0), liveness: liveness(at: 0)) == 4, "the tree, product and its two groups")

            _ = try await store.apply([
                event(.heartbeat, id: "Importer01", at: 61), event(.heartbeat, id: "Importer02", at: 62),
                event(.error, id: "Importer02", at: 63, message: "price is not a number"),
                event(.stopped, id: "Importer02", at: 64, exitCode: 0),
            ], liveness: liveness(at: 64))
            // Exporter01's TTL of 30 s has passed: it counts as lost though no sweep recorded it.
            _ = try await store.recordSamples(at: minute(1), liveness: liveness(at: 70))

            let product = try await store.samples(of: "product", resolution: .minute, from: minute(0), to: minute(2))
            #expect(product.map(\.at) == [minute(0), minute(1)])
            #expect(product.map(\.counts.running) == [3, 1])
            #expect(product.map(\.counts.lost) == [0, 1])
            #expect(product.map(\.counts.stopped) == [0, 1])
            #expect(product.map(\.eventsTotal) == [4, 8])
            #expect(product.map(\.errorsTotal) == [1, 2])
            let importer = try await store.samples(of: "product.importer", resolution: .minute, from: minute(0), to: minute(2))
            #expect(importer.map(\.eventsTotal) == [2, 6] && importer.map(\.errorsTotal) == [0, 1])
            let whole = try await store.samples(of: "", resolution: .minute, from: minute(0), to: minute(2))
            #expect(whole == product.map { sample in var copy = sample; copy.node = ""; return copy }, "the whole tree is product here")

            let hour = try await store.samples(of: "product", resolution: .hour, from: t0, to: t0.addingTimeInterval(3600))
            #expect(hour.count == 1 && hour.first?.at == t0 && hour.first?.counts == product.last?.counts && hour.first?.eventsTotal == 8)
            let hours = try await store.samples(resolution: .hour, since: t0)
            #expect(hours.keys.sorted() == ["", "product", "product.exporter", "product.importer"])
            #expect(try await store.samples(resolution: .hour, since: t0.addingTimeInterval(3600)).isEmpty)
        }
    }

    @Test("sampling a minute again replaces what it held; its hour keeps the highest failed count", arguments: StoreKind.available)
    func resampling(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.apply([event(.started)], liveness: liveness(at: 0))
            _ = try await store.recordSamples(at: minute(0), liveness: liveness(at: 0))
            _ = try await store.apply([event(.stopped, at: 10, exitCode: 2)], liveness: liveness(at: 10))
            _ = try await store.recordSamples(at: minute(0), liveness: liveness(at: 10))
            let samples = try await store.samples(of: "product.importer", resolution: .minute, from: minute(0), to: minute(1))
            #expect(samples.count == 1 && samples.first?.counts.failed == 1 && samples.first?.counts.running == 0)
            _ = try await store.apply([event(.started, at: 70)], liveness: liveness(at: 70))
            _ = try await store.recordSamples(at: minute(1), liveness: liveness(at: 70))
            let hour = try await store.samples(of: "product.importer", resolution: .hour, from: t0, to: minute(60))
            #expect(hour.map(\.counts.running) == [1] && hour.map(\.counts.failed) == [1], "running as at the latest minute, failed at its highest")
        }
    }

    @Test("retention: samples of a minute go after 49 h (48 answered, one more as a baseline), samples of an hour after the history retention",
          arguments: StoreKind.available)
    func retention(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.apply([event(.started)], liveness: liveness(at: 0))
            _ = try await store.recordSamples(at: minute(0), liveness: liveness(at: 0))
            let policy = RetentionPolicy(workers: 365 * 86_400, history: 30 * 86_400)
            let far = t0.addingTimeInterval(400 * 86_400)

            _ = try await store.prune(policy, now: t0.addingTimeInterval(49 * 3600 - 60))
            #expect(try await store.samples(of: "product", resolution: .minute, from: t0, to: far).count == 1, "kept within 49 h")
            _ = try await store.prune(policy, now: t0.addingTimeInterval(49 * 3600 + 60))
            #expect(try await store.samples(of: "product", resolution: .minute, from: t0, to: far).isEmpty)
            #expect(try await store.samples(of: "product", resolution: .hour, from: t0, to: far).count == 1)
            _ = try await store.prune(policy, now: t0.addingTimeInterval(30 * 86_400 + 3600))
            #expect(try await store.samples(of: "product", resolution: .hour, from: t0, to: far).isEmpty)
        }
    }
}
