import Foundation
import Registry
import Testing

/// The workers table's orders, numbered pages and totals, against SQLite and PostgreSQL alike.
@Suite("Worker orders")
struct WorkerOrderTests {
    private let now = liveness(at: 100)

    /// Thirty workers of every status with repeated hosts, versions, error counts and last-seen times, so that
    /// ties are broken by id.
    private func fill(_ store: any WorkerStore) async throws {
        var events: [WorkerEvent] = []
        for index in 0..<30 {
            let id = String(format: "w%02d", (index * 17) % 30)
            var started = event(.started, id: id, group: ["a", "a.b", "c"][index % 3], at: Double(index % 4), ttl: index % 5 == 0 ? 10 : nil)
            started.host = [nil, "h1", "h2", "h3"][index % 4]
            started.version = [nil, "1.0", "2.0"][index % 3]
            events.append(started)
            for error in 0..<(index % 4) { events.append(event(.error, id: id, group: started.group, at: Double(10 + error), message: "e")) }
            switch index % 6 {
            case 1: events.append(event(.stopped, id: id, group: started.group, at: Double(20 + index % 3), exitCode: 0))
            case 2: events.append(event(.stopped, id: id, group: started.group, at: Double(20 + index % 3), exitCode: 2))
            default: events.append(event(.heartbeat, id: id, group: started.group, at: Double(30 + index % 7)))
            }
        }
        _ = try await store.apply(events, liveness: liveness(at: 0))
    }

    /// `workers` ordered as the store is meant to: missing values last, ties by id.
    private func sorted(_ workers: [Worker], _ order: WorkerOrder) -> [Worker] {
        func ascending(_ a: Worker, _ b: Worker) -> Bool? {
            func compare<T: Comparable>(_ x: T?, _ y: T?, descending: Bool = order.descending) -> Bool? {
                switch (x, y) {
                case let (x?, y?): x == y ? nil : (x < y) != descending
                case (nil, nil): nil
                case (nil, _): false
                case (_, nil): true
                }
            }
            let severity: [WorkerStatus: Int] = [.failed: 0, .lost: 1, .running: 2, .stopped: 3]
            switch order.key {
            case .id: return compare(a.id, b.id)
            case .group: return compare(a.group, b.group)
            case .status:
                return compare(severity[a.status], severity[b.status]) ?? compare(a.lastSeen, b.lastSeen, descending: true)
            case .lastSeen: return compare(a.lastSeen, b.lastSeen)
            case .uptime:
                return compare(a.status == .running ? 0 : 1, b.status == .running ? 0 : 1, descending: false)
                    ?? compare(a.runStartedAt, b.runStartedAt, descending: !order.descending)
            case .host: return compare(a.host, b.host)
            case .version: return compare(a.version, b.version)
            case .errors: return compare(a.errorCount, b.errorCount)
            }
        }
        return workers.sorted { ascending($0, $1) ?? ($0.id < $1.id) }
    }

    @Test("every column sorts both ways as the rule says, and numbered pages cover the listing once", arguments: StoreKind.available)
    func everyOrder(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await fill(store)
            let all = try await store.workers(WorkerQuery(limit: WorkerQuery.maxLimit), liveness: now).workers
            #expect(Set(all.map(\.status)) == [.running, .lost, .stopped, .failed])
            for key in WorkerOrder.Key.allCases {
                for descending in [false, true] {
                    let order = WorkerOrder(key: key, descending: descending)
                    let expected = sorted(all, order).map(\.id)
                    let listed = try await store.workers(WorkerQuery(order: order, limit: WorkerQuery.maxLimit), liveness: now)
                    #expect(listed.workers.map(\.id) == expected, "\(key) \(descending ? "desc" : "asc")")
                    #expect(listed.nextCursor == nil)
                    var paged: [String] = []
                    for offset in stride(from: 0, to: 35, by: 7) {
                        paged += try await store.workers(WorkerQuery(order: order, limit: 7, offset: offset), liveness: now).workers.map(\.id)
                    }
                    #expect(paged == expected, "pages of \(key)")
                }
            }
        }
    }

    @Test("the count agrees with the listing for every filter", arguments: StoreKind.available)
    func counts(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await fill(store)
            let queries = [
                WorkerQuery(), WorkerQuery(group: .subtree("a")), WorkerQuery(group: .glob("*.b")), WorkerQuery(statuses: [.lost, .failed]),
                WorkerQuery(search: "H2"), WorkerQuery(group: .subtree("c"), statuses: [.running], search: "2.0"), WorkerQuery(search: "nothing"),
            ]
            for var query in queries {
                query.limit = WorkerQuery.maxLimit
                let listed = try await store.workers(query, liveness: now).workers.count
                #expect(try await store.countWorkers(query, liveness: now) == listed, "\(query)")
                #expect(listed > 0 || query.search == "nothing")
            }
        }
    }
}
