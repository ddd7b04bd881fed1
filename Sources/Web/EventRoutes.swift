import CompressNIO
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
        if let refusal = try await scopeRefusals(of: [event], context: context)[0] { throw APIError(.forbidden, refusal.message, field: refusal.field) }
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
        var body = try await request.collectBody(upTo: limits.batchBody)
        if let encoding = request.headers[.contentEncoding]?.lowercased(), encoding != "identity" {
            guard encoding == "gzip" || encoding == "x-gzip" else {
                throw APIError(.unsupportedMediaType, "Content-Encoding '\(encoding)' is not supported; use gzip or none", field: "Content-Encoding")
            }
            body = try decompress(body)
        }
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
        for (item, refusal) in zip(decoded, try await scopeRefusals(of: decoded.map(\.event), context: context)) {
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

    /// For each event, why the request's key may not report it, or `nil` when it may. A key limited to
    /// some groups may report only for groups inside them, and only for workers that are not stored in a
    /// group outside them (or it could take another team's worker over by its id). The stored group is
    /// read just before the write, not in its transaction.
    private func scopeRefusals(of events: [WorkerEvent], context: Context) async throws -> [(field: String, message: String)?] {
        guard let key = context.accessKey, let scope = key.scope else { return events.map { _ in nil } }
        let stored = try await registry.groups(ofWorkers: Set(events.map(\.id)))
        return events.map { event in
            if !key.mayReport(for: event.group) {
                return ("group", "the key '\(key.name)' may only report for '\(scope.text)', not '\(event.group)'")
            }
            if let group = stored[event.id], !key.mayReport(for: group) {
                return ("id", "the worker '\(event.id)' is in '\(group)', outside the key's '\(scope.text)'")
            }
            return nil
        }
    }

    private func decompress(_ body: ByteBuffer) throws -> ByteBuffer {
        var body = body
        let tooLarge = APIError(.contentTooLarge, "the body decompresses to more than \(limits.batchDecompressed) bytes", field: "body")
        let decompressed: ByteBuffer
        do {
            decompressed = try body.decompress(with: .gzip(), maxSize: limits.batchDecompressed)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw tooLarge
        } catch {
            throw APIError(.badRequest, "the body is not valid gzip", field: "body")
        }
        // maxSize bounds the buffers CompressNIO asks for, which NIO rounds up to a power of two.
        guard decompressed.readableBytes <= limits.batchDecompressed else { throw tooLarge }
        return decompressed
    }
}
