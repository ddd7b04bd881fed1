import Foundation
import Hummingbird
import Registry
import WokmanagerMetrics

/// The write API: `POST /worker/state` (one event, the seed's route) and `POST /events` (a batch).
/// A write key limited to some groups may report only for those; every key is held to the capacity limits.
struct EventRoutes<Context: AccessKeyContext> {
    let registry: WorkerRegistry
    let limits: RequestLimits
    let metrics: ServerMetrics
    private let decoder = EventDecoder()

    init(registry: WorkerRegistry, limits: RequestLimits, metrics: ServerMetrics) {
        self.registry = registry
        self.limits = limits
        self.metrics = metrics
    }

    func register(on group: RouterGroup<Context>) {
        group.post("/worker/state", use: postState)
        group.post("/events", use: postBatch)
    }

    @Sendable func postState(_ request: Request, context: Context) async throws -> StateAnswer {
        var request = request
        let body = try await request.collectBody(upTo: limits.eventBody)
        let event: WorkerEvent
        do {
            event = try decoder.decodeEvent(from: Data(buffer: body), receivedAt: registry.clock.now())
        } catch {
            metrics.recordRefusedEvents(reason: "invalid")
            throw error
        }
        if let refusal = try await WriteScope.refusals(of: [event], key: context.accessKey, registry: registry)[0] {
            metrics.recordRefusedEvents(reason: "forbidden")
            throw APIError(.forbidden, refusal.message, field: refusal.field)
        }
        let outcome = try await registry.recordLimited(event, key: context.accessKey, metrics: metrics)
        return StateAnswer(id: event.id, group: event.group, event: event.kind, status: outcome.status, late: outcome.late)
    }

    /// What a client is told about a batch.
    struct BatchAnswer: ResponseEncodable {
        struct Rejection: Encodable {
            var index: Int
            var field: String
            var message: String
            /// What to do instead, for an event a capacity limit refused.
            var hint: String?
        }
        struct Failure: Encodable {
            var message: String
            var field: String
            var hint: String?
        }
        var accepted: Int
        var rejected: [Rejection]
        /// Present when nothing was accepted, so the answer is an error like every other 4xx.
        var error: Failure?
    }

    @Sendable func postBatch(_ request: Request, context: Context) async throws -> EditedResponse<BatchAnswer> {
        var request = request
        let body = try await request.collectDecompressedBody(upTo: limits.batchBody, decompressedUpTo: limits.batchDecompressed)
        let items: [EventDecoder.BatchItem]
        do {
            items = try decoder.decodeBatch(from: Data(buffer: body), receivedAt: registry.clock.now())
        } catch {
            metrics.recordRefusedEvents(reason: "invalid")
            throw error
        }
        var decoded: [(index: Int, event: WorkerEvent)] = []
        var rejected: [BatchAnswer.Rejection] = []
        for (index, item) in items.enumerated() {
            switch item {
            case .success(let event): decoded.append((index, event))
            case .failure(let error): rejected.append(.init(index: index, field: error.field, message: error.message))
            }
        }
        metrics.recordRefusedEvents(reason: "invalid", count: rejected.count)
        var permitted: [(index: Int, event: WorkerEvent)] = []
        for (item, refusal) in zip(decoded, try await WriteScope.refusals(of: decoded.map(\.event), key: context.accessKey, registry: registry)) {
            if let refusal {
                rejected.append(.init(index: item.index, field: refusal.field, message: refusal.message))
                metrics.recordRefusedEvents(reason: "forbidden")
            } else {
                permitted.append(item)
            }
        }
        let results = try await registry.record(permitted.map(\.event), by: context.accessKey.limitName)
        var accepted = 0
        var limitRefusals: [CapacityRefusal] = []
        for (item, result) in zip(permitted, results) {
            switch result {
            case .success: accepted += 1
            case .failure(let refusal):
                limitRefusals.append(refusal)
                metrics.recordRefusedEvents(reason: refusal.reason.rawValue)
                rejected.append(.init(index: item.index, field: refusal.field, message: refusal.message, hint: refusal.hint))
            }
        }
        rejected.sort { $0.index < $1.index }
        guard accepted == 0 else { return EditedResponse(status: .ok, response: BatchAnswer(accepted: accepted, rejected: rejected)) }
        // Nothing taken: refused by one limit only, the answer is that limit's (429 says to wait); otherwise a 400.
        if let limit = limitRefusals.first, limitRefusals.count == rejected.count, limitRefusals.allSatisfy({ $0.status == limit.status }) {
            let failure = BatchAnswer.Failure(message: "\(limit.field): \(limit.message)", field: limit.field, hint: limit.hint)
            return EditedResponse(status: limit.status, headers: limit.headers, response: BatchAnswer(accepted: 0, rejected: rejected, error: failure))
        }
        let failure = BatchAnswer.Failure(message: "body: none of the \(rejected.count) events is valid; see rejected", field: "body")
        return EditedResponse(status: .badRequest, response: BatchAnswer(accepted: 0, rejected: rejected, error: failure))
    }
}
