import Crypto
import Foundation
import Registry

/// One HTTP POST to a webhook: where, with which headers, what body; built from the notices of one batch in
/// the webhook's format.
public struct WebhookMessage: Sendable {
    /// The header naming the batch (the same on every attempt), for receivers that drop duplicates.
    public static let deliveryHeader = "X-Wokmanager-Delivery"

    public var url: URL
    public var headers: [String: String]
    public var body: Data
    /// The batch's id: its notice's id when there is one, a digest of the notices' ids otherwise.
    public var id: String

    /// The message telling `webhook` of `notices` (at least one), at `now`.
    ///
    /// - Parameters:
    ///   - pageURL: the server's public base URL, for links to its pages.
    ///   - firingFor: how long Alertmanager keeps an open problem's alert firing without hearing of it again.
    public init(to webhook: Webhook, notices: [WebhookNotice], pageURL: URL, now: Date, firingFor: Double) throws {
        id = Self.batchID(notices)
        headers = ["Content-Type": "application/json", Self.deliveryHeader: id]
        url = webhook.url
        switch webhook.format {
        case .json:
            body = try JSONMessage.body(id: id, notices: notices, pageURL: pageURL, now: now)
            if let secret = webhook.secret {
                headers[WebhookSignature.headerName] = WebhookSignature.header(secret: secret, timestamp: Int64(now.timeIntervalSince1970.rounded(.down)), body: body)
            }
        case .slack:
            body = try SlackMessage.body(notices: notices, pageURL: pageURL)
        case .alertmanager:
            body = try AlertmanagerMessage.body(notices: notices, pageURL: pageURL, now: now, firingFor: firingFor)
            url = AlertmanagerMessage.alertsURL(webhook.url)
        }
    }

    static func batchID(_ notices: [WebhookNotice]) -> String {
        guard notices.count > 1 else { return notices.first?.id ?? "" }
        let digest = SHA256.hash(data: Data(notices.map(\.id).joined(separator: ",").utf8))
        return "batch." + digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}

extension JSONEncoder {
    /// The encoder of message bodies: keys sorted, slashes as they are.
    static let messages: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
