import Foundation
import Hummingbird
import Registry

/// The write API: `POST /worker/state` (one event, the seed's route) and `POST /events` (a batch).
/// A write key limited to some groups may report only for those.
struct EventRoutes<Context: AccessKeyContext> {
    let registry: WorkerRegistry
    let limits: RequestLimits
    private let decoder = EventDecoder()

    init(registry: WorkerRegistry, limits: RequestLimits) {
        self.registry = registry
        self.limits = limits
    }

    func register(on group: RouterGroup<Context>) {
        group.post("/worker/state", use: postState)
        group.post("/events", use: postBatch)
    }

    /// What a worker is told about its event.
    struct StateAnswer: ResponseEncodable {
        var id: String
        var group: String
        var event: EventKind
        var status: WorkerStatus
        var late: Bool
    }

    @Sendable func postState(_ request: Request, context: Context) async throws -> StateAnswer {
        var request = request
        let body = try await request.collectBody(upTo: limits.eventBody)
        let event = try decoder.decodeEvent(from: Data(buffer: body), receivedAt: registry.clock.now())
        if let refusal = try await WriteScope.refusals(of: [event], key: context.accessKey, registry: registry)[0] { throw APIError(.forbidden, refusal.message, field: refusal.field) }
        let outcome = try await registry.record([event])[0]
        return StateAnswer(id: event.id, group: event.group, event: event.kind, status: outcome.status, late: outcome.late)
    }

    /// What a client is told about a batch.
    struct BatchAnswer: ResponseEncodable {
        struct Rejection: Encodable {
            var index: Int
            var field: String
            var message: String
        }
        struct Failure: Encodable {
            var message: String
            var field: String
        }
        var accepted: Int
        var rejected: [Rejection]
        /// Present when nothing was accepted, so the answer is an error like every other 4xx.
        var error: Failure?
    }

    @Sendable func postBatch(_ request: Request, context: Context) async throws -> EditedResponse<BatchAnswer> {
        var request = request
        let body = try await request.collectDecompressedBody(upTo: limits.batchBody, decompressedUpTo: limits.batchDecompressed)
        let items = try decoder.decodeBatch(from: Data(buffer: body), receivedAt: registry.clock.now())
        var decoded: [(index: Int, event: WorkerEvent)] = []
        var rejected: [BatchAnswer.Rejection] = []
        for (index, item) in items.enumerated() {
            switch item {
            case .success(let event): decoded.append((index, event))
            case .failure(let error): rejected.append(.init(index: index, field: error.field, message: error.message))
            }
        }
        var events: [WorkerEvent] = []
        for (item, refusal) in zip(decoded, try await WriteScope.refusals(of: decoded.map(\.event), key: context.accessKey, registry: registry)) {
            if let refusal {
                rejected.append(.init(index: item.index, field: refusal.field, message: refusal.message))
            } else {
                events.append(item.event)
            }
        }
        rejected.sort { $0.index < $1.index }
        _ = try await registry.record(events)
        let failure = events.isEmpty
            ? BatchAnswer.Failure(message: "body: none of the \(rejected.count) events is valid; see rejected", field: "body") : nil
        let answer = BatchAnswer(accepted: events.count, rejected: rejected, error: failure)
        return EditedResponse(status: events.isEmpty ? .badRequest : .ok, response: answer)
    }
}
