import Foundation
import Hummingbird
import Registry

/// `GET /expectations` (reads); `GET`, `PUT` and `DELETE /expectations/{group|worker}/{name}` (PUT and DELETE for admin keys).
struct ExpectationRoutes<Context: AccessKeyContext> {
    let registry: WorkerRegistry

    func register(reads: RouterGroup<Context>, admin: RouterGroup<Context>) {
        reads.get("/expectations", use: list)
        reads.get("/expectations/{scope}/{name}", use: show)
        admin.put("/expectations/{scope}/{name}", use: set)
        admin.delete("/expectations/{scope}/{name}", use: remove)
    }

    struct ExpectationList: ResponseEncodable {
        var expectations: [Expectation]
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> ExpectationList {
        ExpectationList(expectations: try await registry.expectations())
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Expectation {
        let subject = try SubjectPath.subject(in: context)
        guard let expectation = try await registry.expectations().first(where: { $0.subject == subject }) else {
            throw APIError(.notFound, "no expectation of \(subject.scope) '\(subject.name)'", field: "name")
        }
        return expectation
    }

    /// Replaces the subject's expectation with the body (``ExpectationSpec``); 409 when the expectations file manages it.
    @Sendable func set(_ request: Request, context: Context) async throws -> Expectation {
        let subject = try SubjectPath.subject(in: context)
        let body = try await JSONObjectBody.read(request)
        let expectation = try ExpectationSpec.expectation(from: body, subject: subject, source: .api, since: registry.clock.now())
        try await registry.setExpectation(expectation)
        return expectation
    }

    struct Removed: ResponseEncodable {
        var group: String?
        var worker: String?
        var removed: Bool
    }

    @Sendable func remove(_ request: Request, context: Context) async throws -> Removed {
        let subject = try SubjectPath.subject(in: context)
        guard try await registry.removeExpectation(subject) else {
            throw APIError(.notFound, "no expectation of \(subject.scope) '\(subject.name)'", field: "name")
        }
        return switch subject {
        case .group(let path): Removed(group: path, removed: true)
        case .worker(let id): Removed(worker: id, removed: true)
        }
    }
}

extension Expectation: ResponseEncodable {}
