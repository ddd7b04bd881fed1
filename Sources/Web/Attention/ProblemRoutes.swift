import Foundation
import Hummingbird
import Registry

/// `GET /problems` and `GET /problems/{id}` (reads), `POST /problems/{id}/acknowledge` (admin).
struct ProblemRoutes<Context: AccessKeyContext> {
    let registry: WorkerRegistry

    func register(reads: RouterGroup<Context>, admin: RouterGroup<Context>) {
        reads.get("/problems", use: list)
        reads.get("/problems/{id}", use: show)
        admin.post("/problems/{id}/acknowledge", use: acknowledge)
    }

    struct ProblemList: ResponseEncodable {
        var problems: [Problem]
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> ProblemList {
        let parameters = QueryParameters(request, now: registry.clock.now())
        let query = ProblemQuery(
            kinds: try parameters.problemKinds(), group: try parameters.group(), states: try parameters.problemStates(),
            since: try parameters.since(), limit: try parameters.limit(default: 100, max: ProblemQuery.maxLimit))
        return ProblemList(problems: try await registry.problems(query))
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Problem {
        let id = try Self.id(in: context)
        guard let problem = try await registry.problem(id: id) else { throw APIError(.notFound, "no problem with id \(id)", field: "id") }
        return problem
    }

    /// Body `{"note": "..."}`, optional. A resolved problem answers 409.
    @Sendable func acknowledge(_ request: Request, context: Context) async throws -> Problem {
        let id = try Self.id(in: context)
        let body = try await JSONObjectBody.read(request)
        try JSONObjectBody.refuseUnknown(body, allowed: ["note"])
        let note = try JSONObjectBody.text(body, "note")
        if let note, note.utf8.count > 1000 { throw APIError(.badRequest, "must be at most 1000 bytes", field: "note") }
        if let problem = try await registry.acknowledge(problem: id, by: context.accessKey?.name ?? "anonymous", note: note) { return problem }
        guard try await registry.problem(id: id) != nil else { throw APIError(.notFound, "no problem with id \(id)", field: "id") }
        throw APIError(.conflict, "problem \(id) is already resolved", field: "id")
    }

    static func id(in context: some RequestContext) throws -> Int64 {
        guard let id = Int64(try context.parameters.require("id")), id > 0 else {
            throw APIError(.badRequest, "must be a positive whole number", field: "id")
        }
        return id
    }
}

extension Problem: ResponseEncodable {}

extension QueryParameters {
    /// Problem kinds, comma-separated or repeated; empty for all.
    func problemKinds() throws -> Set<ProblemKind> {
        Set(try list("kind").map { text in
            guard let kind = ProblemKind(rawValue: text) else {
                throw APIError(.badRequest, "unknown kind '\(text)'; expected one of \(ProblemKind.allNames)", field: "kind")
            }
            return kind
        })
    }

    /// Problem states; open and acknowledged when none is given, every state with `state=all`.
    func problemStates() throws -> Set<ProblemState> {
        let names = list("state")
        if names.isEmpty { return [.open, .acknowledged] }
        if names == ["all"] { return Set(ProblemState.allCases) }
        return Set(try names.map { text in
            guard let state = ProblemState(rawValue: text) else {
                let known = (ProblemState.allCases.map(\.rawValue) + ["all"]).joined(separator: ", ")
                throw APIError(.badRequest, "unknown state '\(text)'; expected one of \(known)", field: "state")
            }
            return state
        })
    }
}
