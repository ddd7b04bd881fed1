import Foundation
import Hummingbird
import Registry

/// A webhook as the API shows it: everything but the secret, which is only said to exist (`signed`).
struct WebhookAnswer: ResponseEncodable, Equatable {
    var name: String
    var url: String
    var format: WebhookFormat
    var group: String?
    var kinds: [ProblemKind]
    var signed: Bool
    var createdAt: Date
    /// `file` when the webhooks file declares it, `api` otherwise.
    var source: String

    init(_ webhook: Webhook) {
        name = webhook.name
        url = webhook.url.absoluteString
        format = webhook.format
        group = webhook.group
        kinds = webhook.kinds.sorted()
        signed = webhook.secret != nil
        createdAt = webhook.createdAt
        source = webhook.fromFile ? "file" : "api"
    }

    enum CodingKeys: String, CodingKey {
        case name, url, format, group, kinds, signed, source
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(url, forKey: .url)
        try container.encode(format, forKey: .format)
        try container.encode(group, forKey: .group)
        try container.encode(kinds, forKey: .kinds)
        try container.encode(signed, forKey: .signed)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(source, forKey: .source)
    }
}
