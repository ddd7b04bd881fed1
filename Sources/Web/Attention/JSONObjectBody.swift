import Foundation
import Hummingbird
import Registry

/// A request body that must be one JSON object, read into fields an ``ExpectationSpec`` or a route checks itself.
enum JSONObjectBody {
    /// Most bytes a body of the attention API may have.
    static let maxBytes = 64 << 10

    /// The object, or a 400 naming `body` when it is not one (an empty body is an empty object).
    static func read(_ request: Request) async throws -> [String: SpecValue] {
        var request = request
        let body = try await request.collectBody(upTo: maxBytes)
        guard body.readableBytes > 0 else { return [:] }
        do {
            return try JSONDecoder().decode([String: SpecValue].self, from: Data(buffer: body))
        } catch {
            throw APIError(.badRequest, "must be a JSON object", field: "body")
        }
    }

    /// An optional text field.
    static func text(_ object: [String: SpecValue], _ name: String) throws -> String? {
        switch object[name] {
        case nil, .null?: return nil
        case .text(let text)?: return text
        default: throw APIError(.badRequest, "must be a string", field: name)
        }
    }

    /// Refuses fields other than `allowed`, so a misspelt one is not silently ignored.
    static func refuseUnknown(_ object: [String: SpecValue], allowed: Set<String>) throws {
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw APIError(.badRequest, "is not a field here; expected one of \(allowed.sorted().joined(separator: ", "))", field: unknown)
        }
    }
}

/// Reads the `{scope}/{name}` of `/expectations/group/product.importer` or `/expectations/worker/imp-1`.
enum SubjectPath {
    static func subject(in context: some RequestContext) throws -> Subject {
        let scope = try context.parameters.require("scope")
        guard let name = try context.parameters.require("name").removingPercentEncoding else {
            throw APIError(.badRequest, "is not validly percent-encoded", field: "name")
        }
        return try Subject(scope: scope, name: name)
    }
}
