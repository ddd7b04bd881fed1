import Foundation
import Registry
import Yams

/// The declarative webhooks file (`--webhooks-file`), read whole like the expectations file:
///
/// ```yaml
/// webhooks:
///   - name: oncall
///     url: https://hooks.example.com/wok
///     group: product
///     kinds: [lost, failed]
///     secret_file: /etc/wokmanager/oncall.secret
///   - name: team-slack
///     url: https://hooks.slack.com/services/T000/B000/XXXX
///     format: slack
/// ```
/// Each entry takes the fields of `PUT /webhooks/{name}`, with the signing secret read from `secret_file` (never
/// written in the file itself). An error names the entry and the field (`webhooks[1].format: ...`).
public enum WebhooksFile {
    private struct Document: Decodable {
        var webhooks: [Entry]?
    }

    private struct Entry: Decodable {
        var fields: [String: Field]

        enum Field: Decodable {
            case text(String)
            case list([String])

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let list = try? container.decode([String].self) {
                    self = .list(list)
                } else {
                    self = .text(try container.decode(String.self))
                }
            }
        }

        init(from decoder: any Decoder) throws {
            fields = try decoder.singleValueContainer().decode([String: Field].self)
        }
    }

    private static let known: Set<String> = ["name", "url", "format", "group", "kinds", "secret_file"]

    /// Reads the webhooks in `text`, declared at `now`.
    static func parse(_ text: String, now: Date) throws(EventValidationError) -> [Webhook] {
        let document: Document
        do {
            document = try YAMLDecoder().decode(Document.self, from: text.isEmpty ? "{}" : text)
        } catch {
            throw EventValidationError(field: "file", message: "is not YAML with a list under 'webhooks': \(error)")
        }
        var webhooks: [Webhook] = []
        for (index, entry) in (document.webhooks ?? []).enumerated() {
            let prefix = "webhooks[\(index)]."
            if let unknown = entry.fields.keys.sorted().first(where: { !known.contains($0) }) {
                throw EventValidationError(field: prefix + unknown, message: "is not a field of a webhook; expected one of \(known.sorted().joined(separator: ", "))")
            }
            let webhook = try webhook(from: entry.fields, prefix: prefix, now: now)
            guard !webhooks.contains(where: { $0.name == webhook.name }) else {
                throw EventValidationError(field: prefix + "name", message: "'\(webhook.name)' is declared twice")
            }
            webhooks.append(webhook)
        }
        return webhooks
    }

    /// How many webhooks the file at `path` declares, or why it would not load (`wokmanager config check`).
    public static func check(at path: String) throws(EventValidationError) -> Int {
        try parse(DeclarationsFileWatcher.text(at: path), now: Date()).count
    }

    private static func webhook(from fields: [String: Entry.Field], prefix: String, now: Date) throws(EventValidationError) -> Webhook {
        func text(_ key: String) throws(EventValidationError) -> String? {
            switch fields[key] {
            case nil: return nil
            case .text(let value): return value
            case .list: throw EventValidationError(field: prefix + key, message: "must be a string")
            }
        }
        guard let name = try text("name") else { throw EventValidationError(field: prefix + "name", message: "is required") }
        do {
            try Webhook.validateName(name)
        } catch {
            throw EventValidationError(field: prefix + "name", message: error.message)
        }
        let kinds: [String]?
        switch fields["kinds"] {
        case nil: kinds = nil
        case .list(let names): kinds = names
        case .text(let single): kinds = [single]
        }
        let input = WebhookInput(url: try text("url"), format: try text("format"), group: try text("group"), kinds: kinds, secret: try secret(at: text("secret_file"), prefix))
        do {
            var webhook = try input.webhook(named: name, createdAt: now)
            webhook.fromFile = true
            return webhook
        } catch let error as APIError {
            throw EventValidationError(field: prefix + (error.field == "secret" ? "secret_file" : error.field ?? "name"), message: error.message)
        } catch let error as EventValidationError {
            throw EventValidationError(field: prefix + error.field, message: error.message)
        } catch {
            throw EventValidationError(field: prefix + "name", message: "\(error)")
        }
    }

    /// The signing secret in the file at `path` (its first line, without surrounding white space).
    private static func secret(at path: String?, _ prefix: String) throws(EventValidationError) -> String? {
        guard let path else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EventValidationError(field: prefix + "secret_file", message: "cannot be read at \(path)")
        }
        let secret = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !secret.isEmpty else { throw EventValidationError(field: prefix + "secret_file", message: "\(path) is empty") }
        return secret
    }
}
