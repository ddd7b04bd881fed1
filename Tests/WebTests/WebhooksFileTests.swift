import Foundation
import Registry
import Testing

@testable import Web

/// The declarative webhooks file: the API's fields, secrets read from files, errors naming entry and field.
@Suite("Webhooks file")
struct WebhooksFileTests {
    private let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("each entry is the webhook PUT /webhooks/{name} would make, its secret read from its file")
    func parses() throws {
        let secretFile = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)")
        try "  s3cret  \nignored\n".write(to: secretFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secretFile) }
        let yaml = """
            webhooks:
              - name: oncall
                url: https://hooks.example.com/wok
                group: product
                kinds: [lost, failed]
                secret_file: \(secretFile.path)
              - name: team-slack
                url: https://hooks.slack.com/services/T000/B000/XXXX
                format: slack
                kinds: down
            """
        let webhooks = try WebhooksFile.parse(yaml, now: now)
        #expect(webhooks == [
            Webhook(name: "oncall", url: URL(string: "https://hooks.example.com/wok")!, format: .json, group: "product", kinds: [.lost, .failed],
                    secret: "s3cret", createdAt: now, fromFile: true),
            Webhook(name: "team-slack", url: URL(string: "https://hooks.slack.com/services/T000/B000/XXXX")!, format: .slack, kinds: [.down],
                    createdAt: now, fromFile: true),
        ])
        #expect(try WebhooksFile.parse("", now: now).isEmpty, "an empty file declares nothing")
    }

    @Test("a mistake names the entry and the field", arguments: [
        ("webhooks:\n  - url: http://a\n", "webhooks[0].name"),
        ("webhooks:\n  - name: a b\n    url: http://a\n", "webhooks[0].name"),
        ("webhooks:\n  - name: a\n", "webhooks[0].url"),
        ("webhooks:\n  - name: a\n    url: ftp://a\n", "webhooks[0].url"),
        ("webhooks:\n  - name: a\n    url: http://a\n  - name: b\n    url: http://b\n    format: teams\n", "webhooks[1].format"),
        ("webhooks:\n  - name: a\n    url: http://a\n    kinds: [lost, sad]\n", "webhooks[0].kinds"),
        ("webhooks:\n  - name: a\n    url: http://a\n    secret: inline\n", "webhooks[0].secret"),
        ("webhooks:\n  - name: a\n    url: http://a\n    secret_file: /nowhere/secret\n", "webhooks[0].secret_file"),
        ("webhooks:\n  - name: a\n    url: http://a\n  - name: a\n    url: http://b\n", "webhooks[1].name"),
        ("webhooks:\n  - name: a\n    url: http://a\n    group: 'a..b'\n", "webhooks[0].group"),
        ("webhooks: [unclosed\n", "file"),
    ])
    func refusals(_ yaml: String, _ field: String) {
        #expect(throws: EventValidationError.self) { try WebhooksFile.parse(yaml, now: now) }
        do {
            _ = try WebhooksFile.parse(yaml, now: now)
        } catch {
            #expect(error.field == field)
        }
    }
}
