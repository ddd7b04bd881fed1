import Foundation
import HTTPTypes
import Hummingbird
import Registry
import WokmanagerMetrics

/// Pushgateway's API: `PUT`, `POST` and `DELETE /metrics/job/{job}{/label/value}*`, taking the text exposition format
/// 0.0.4, so that a job that pushes to Pushgateway moves by changing a URL.
///
/// The job is the worker's group and the `instance` label (or the job) its id. A push is a sign of life with a TTL
/// from the `Wokmanager-TTL` header, else `--push-ttl`, else learnt: three times the longest interval between the
/// run's pushes. A `DELETE` ends the worker's run (stopped). Pushed series are exposed on `GET /metrics` while the
/// worker runs. A write key limited to some groups may push only for jobs inside them; a push that would create a group
/// or a worker is held to the capacity limits as an event is.
struct PushRoutes<Context: AccessKeyContext> {
    let registry: WorkerRegistry
    let limits: RequestLimits
    /// The TTL of pushes without the header; `nil` learns it from the pushes' intervals.
    let pushTTL: Double?
    let metrics: ServerMetrics

    /// The header a push may give its TTL in (`90`, `90s`, `5m`, `2h`).
    static var ttlHeader: HTTPField.Name { HTTPField.Name("Wokmanager-TTL")! }

    func register(on group: RouterGroup<Context>) {
        group.put("/metrics/**") { request, context in try await push(request, context, method: .replace) }
        group.post("/metrics/**") { request, context in try await push(request, context, method: .merge) }
        group.delete("/metrics/**", use: delete)
    }

    /// What a pusher is told (Pushgateway's clients look only at the status).
    struct PushAnswer: ResponseEncodable {
        var id: String
        var group: String
        var status: WorkerStatus
        var series: Int
    }

    private func push(_ request: Request, _ context: Context, method: MetricPush.Method) async throws -> PushAnswer {
        let key = try groupingKey(of: request)
        if let type = request.headers[.contentType], type.lowercased().hasPrefix("application/vnd.google.protobuf") {
            throw APIError(.unsupportedMediaType, "the protobuf format is not taken; push the text format (version 0.0.4)", field: "Content-Type")
        }
        let ttl = try headerTTL(of: request) ?? pushTTL
        var request = request
        let body = try await request.collectDecompressedBody(upTo: limits.batchBody, decompressedUpTo: limits.batchDecompressed)
        let families: [PushedFamily]
        do throws(TextFormatError) {
            families = try PushedFamilies.make(TextFormatParser.parse(Array(buffer: body), maxSeries: Limits.pushedSeries), key: key)
        } catch {
            metrics.recordRefusedEvents(reason: "invalid")
            throw APIError(.badRequest, "line \(error.line): \(error.message)", field: "body")
        }
        let push = MetricPush(method: method, grouping: key.exposition, families: families)
        let now = registry.clock.now()
        let event = WorkerEvent(
            id: key.workerID, group: key.group, kind: .heartbeat, at: now, receivedAt: now, ttl: ttl, ttlFromIntervals: ttl == nil, push: push)
        try await checkScope(of: event, context)
        if let refusal = try await registry.refusal(of: push, from: key.workerID) {
            metrics.recordRefusedEvents(reason: "invalid")
            throw APIError(refusal)
        }
        let outcome = try await registry.recordLimited(event, key: context.accessKey, metrics: metrics)
        return PushAnswer(id: event.id, group: event.group, status: outcome.status, series: families.reduce(0) { $0 + $1.series })
    }

    /// What a `DELETE` is told.
    struct DeleteAnswer: ResponseEncodable {
        var id: String
        var group: String
        /// `false` when no such worker was known (a no-op, as in Pushgateway).
        var stopped: Bool
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> EditedResponse<DeleteAnswer> {
        let key = try groupingKey(of: request)
        let now = registry.clock.now()
        let event = WorkerEvent(
            id: key.workerID, group: key.group, kind: .stopped, at: now, receivedAt: now,
            push: MetricPush(method: .delete, grouping: key.exposition, families: []))
        try await checkScope(of: event, context)
        let known = try await registry.groups(ofWorkers: [key.workerID])[key.workerID] != nil
        if known { _ = try await registry.recordLimited(event, key: context.accessKey, metrics: metrics) }
        return EditedResponse(status: .accepted, response: DeleteAnswer(id: event.id, group: event.group, stopped: known))
    }

    /// The grouping key of the path after `/metrics/`, each segment percent-decoded.
    private func groupingKey(of request: Request) throws -> PushGroupingKey {
        let path = request.uri.path.dropFirst("/metrics/".count)
        var segments: [String] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
            guard let decoded = String(segment).removingPercentEncoding else {
                throw APIError(.badRequest, "the segment '\(EscapedText.escaped(String(segment.prefix(80))))' is not percent-encoded UTF-8", field: "path")
            }
            segments.append(decoded)
        }
        do throws(EventValidationError) {
            return try PushGroupingKey(segments: segments)
        } catch {
            throw APIError(error)
        }
    }

    private func headerTTL(of request: Request) throws -> Double? {
        guard let text = request.headers[Self.ttlHeader] else { return nil }
        guard let seconds = DurationText.seconds(text), seconds <= Limits.maxTTL else {
            throw APIError(.badRequest, "must be a duration up to \(Int(Limits.maxTTL)) seconds (90, 90s, 5m, 2h)", field: Self.ttlHeader.rawName)
        }
        return seconds
    }

    private func checkScope(of event: WorkerEvent, _ context: Context) async throws {
        if let refusal = try await WriteScope.refusals(of: [event], key: context.accessKey, registry: registry)[0] {
            metrics.recordRefusedEvents(reason: "forbidden")
            throw APIError(.forbidden, refusal.message, field: refusal.field == "group" ? "job" : "instance")
        }
    }
}
