import Foundation
import Registry

/// `GET /ui/webhooks`: every webhook with its latest delivery attempts. Receivers are shown by host only: a
/// webhook's full URL often is its secret (Slack's are).
struct WebhooksPage: Sendable {
    /// Attempts shown per webhook.
    static let deliveryCount = 20

    struct Hook: Sendable {
        let name: String
        let format: String
        let host: String
        let scope: String
        let kinds: String
        let signed: Bool
        let deliveries: [Attempt]
        let testCommand: String
    }

    struct Attempt: Sendable {
        let at: PageTime
        let delivered: Bool
        let result: String
        let status: String
        let notifications: Int
        let error: String?
        let duration: String
    }

    let hooks: [Hook]
    let generatedAt: PageTime
    /// The signed-in browser, for the header.
    let viewer: Viewer?

    static func build(registry: WorkerRegistry, viewer: Viewer?) async throws -> WebhooksPage {
        let now = registry.clock.now()
        var hooks: [Hook] = []
        for webhook in try await registry.store.webhooks() {
            let deliveries = try await registry.store.deliveries(toWebhook: webhook.name, limit: deliveryCount)
            hooks.append(Hook(
                name: webhook.name, format: webhook.format.rawValue, host: webhook.url.host ?? "?", scope: webhook.group ?? "all groups",
                kinds: webhook.kinds.isEmpty ? "all kinds" : webhook.kinds.sorted().map(\.rawValue).joined(separator: ", "),
                signed: webhook.secret != nil,
                deliveries: deliveries.map { record in
                    Attempt(
                        at: PageTime(record.at, now: now), delivered: record.delivered, result: record.delivered ? "delivered" : "failed",
                        status: record.statusCode.map(String.init) ?? "none", notifications: record.notifications.count, error: record.error,
                        duration: String(format: "%.3f s", record.duration))
                },
                testCommand: "wokmanager webhooks test " + StatusPage.shellQuoted(webhook.name)))
        }
        return WebhooksPage(hooks: hooks, generatedAt: PageTime(now, now: now), viewer: viewer)
    }
}
