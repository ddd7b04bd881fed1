import Foundation
import Registry

/// The body of `PUT /webhooks/{name}`: `{"url", "format"?, "group"?, "kinds"?, "secret"?}`, checked field by field;
/// a wrong field answers 400 naming it.
struct WebhookInput: Decodable {
    var url: String?
    var format: String?
    var group: String?
    var kinds: [String]?
    var secret: String?

    static func decode(_ body: Data) throws -> WebhookInput {
        do {
            return try JSONDecoder().decode(WebhookInput.self, from: body)
        } catch let DecodingError.typeMismatch(type, context) {
            throw APIError(.badRequest, "must be \(type == [String].self ? "a list of strings" : "a string")", field: field(context))
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw APIError(.badRequest, "is not valid", field: field(context))
        } catch {
            throw APIError(.badRequest, "must be a JSON object", field: "body")
        }
    }

    private static func field(_ context: DecodingError.Context) -> String {
        context.codingPath.first?.stringValue ?? "body"
    }

    /// The webhook this body declares under `name`.
    func webhook(named name: String, createdAt: Date) throws -> Webhook {
        guard let text = url, !text.isEmpty else { throw APIError(.badRequest, "is required", field: "url") }
        guard let address = URL(string: text), let scheme = address.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = address.host, !host.isEmpty
        else {
            throw APIError(.badRequest, "must be an http:// or https:// URL", field: "url")
        }
        let formatName = format ?? WebhookFormat.json.rawValue
        guard let webhookFormat = WebhookFormat(rawValue: formatName) else {
            let known = WebhookFormat.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError(.badRequest, "unknown format '\(EscapedText.escaped(formatName))'; expected one of \(known)", field: "format")
        }
        if let group { try Identifiers.validateGroup(group, field: "group") }
        let problemKinds = try (kinds ?? []).map { name in
            guard let kind = ProblemKind(rawValue: name) else {
                throw APIError(.badRequest, "unknown kind '\(EscapedText.escaped(name))'; expected one of \(ProblemKind.allNames)", field: "kinds")
            }
            return kind
        }
        if let secret {
            guard !secret.isEmpty else { throw APIError(.badRequest, "must not be empty; leave it out to send unsigned messages", field: "secret") }
            guard webhookFormat == .json else { throw APIError(.badRequest, "only json messages are signed", field: "secret") }
        }
        return Webhook(name: name, url: address, format: webhookFormat, group: group, kinds: Set(problemKinds), secret: secret, createdAt: createdAt)
    }
}
