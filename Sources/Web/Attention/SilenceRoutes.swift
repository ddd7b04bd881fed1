import Foundation
import Hummingbird
import Registry

/// `GET /silences` (reads; `?all=true` includes ended ones), `POST /silences` and `DELETE /silences/{id}` (admin).
struct SilenceRoutes<Context: AccessKeyContext> {
    let registry: WorkerRegistry

    func register(reads: RouterGroup<Context>, admin: RouterGroup<Context>) {
        reads.get("/silences", use: list)
        admin.post("/silences", use: add)
        admin.delete("/silences/{id}", use: end)
    }

    struct SilenceList: ResponseEncodable {
        var silences: [Silence]
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> SilenceList {
        let all = QueryParameters(request, now: registry.clock.now()).text("all")
        guard all == nil || all == "true" || all == "false" else { throw APIError(.badRequest, "must be true or false", field: "all") }
        return SilenceList(silences: try await registry.silences(includeEnded: all == "true"))
    }

    /// Body `{"group": "product"}` or `{"worker": "imp-1"}`, with `"until"` (a time, or a duration from now such as `2h`) and an optional `"note"`.
    @Sendable func add(_ request: Request, context: Context) async throws -> EditedResponse<Silence> {
        let body = try await JSONObjectBody.read(request)
        try JSONObjectBody.refuseUnknown(body, allowed: ["group", "worker", "until", "note"])
        let group = try JSONObjectBody.text(body, "group"), worker = try JSONObjectBody.text(body, "worker")
        let subject: Subject
        switch (group, worker) {
        case (let group?, nil): subject = try Subject(scope: "group", name: group)
        case (nil, let worker?): subject = try Subject(scope: "worker", name: worker)
        default: throw APIError(.badRequest, "give exactly one of group and worker", field: group == nil ? "group" : "worker")
        }
        let now = registry.clock.now()
        guard let untilText = try JSONObjectBody.text(body, "until") else { throw APIError(.badRequest, "is required: a time, or a duration from now (2h)", field: "until") }
        let until: Date
        if let seconds = DurationText.seconds(untilText) {
            until = now.addingTimeInterval(seconds)
        } else if let time = RFC3339.parse(untilText) {
            until = time
        } else {
            throw APIError(.badRequest, "is neither a duration (2h) nor an RFC 3339 time", field: "until")
        }
        guard until > now else { throw APIError(.badRequest, "must be in the future", field: "until") }
        let note = try JSONObjectBody.text(body, "note")
        if let note, note.utf8.count > 1000 { throw APIError(.badRequest, "must be at most 1000 bytes", field: "note") }
        let silence = try await registry.silence(subject, until: until, note: note, author: context.accessKey?.name ?? "anonymous")
        return EditedResponse(status: .created, response: silence)
    }

    struct Ended: ResponseEncodable {
        var id: Int64
        var ended: Bool
    }

    @Sendable func end(_ request: Request, context: Context) async throws -> Ended {
        let id = try ProblemRoutes<Context>.id(in: context)
        guard try await registry.endSilence(id: id) else { throw APIError(.notFound, "no active silence with id \(id)", field: "id") }
        return Ended(id: id, ended: true)
    }
}

extension Silence: ResponseEncodable {}
