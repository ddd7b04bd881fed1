import Foundation
import Hummingbird
import Notifications
import Registry

/// The webhooks, for admin keys: list, set, remove, the delivery log, and a test message.
/// Secrets are never answered: a webhook shows `"signed": true` instead.
struct WebhookRoutes<Context: RequestContext> {
    let outbox: any NotificationOutbox
    let dispatcher: NotificationDispatcher
    let clock: WallClock

    /// Largest `PUT /webhooks/{name}` body.
    static var maxBody: Int { 16 << 10 }

    func register(on group: RouterGroup<Context>) {
        group.get("/webhooks", use: list)
        group.put("/webhooks/{name}", use: set)
        group.delete("/webhooks/{name}", use: remove)
        group.get("/webhooks/{name}/deliveries", use: deliveries)
        group.post("/webhooks/{name}/test", use: test)
    }

    struct WebhookList: ResponseEncodable {
        var webhooks: [WebhookAnswer]
    }

    struct Deleted: ResponseEncodable {
        var name: String
        var deleted: Bool
    }

    struct DeliveryList: ResponseEncodable {
        var deliveries: [DeliveryRecord]
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> WebhookList {
        WebhookList(webhooks: try await outbox.webhooks().map(WebhookAnswer.init))
    }

    @Sendable func set(_ request: Request, context: Context) async throws -> WebhookAnswer {
        let name = try WebhookPath.name(in: context)
        var request = request
        let body = try await request.collectBody(upTo: Self.maxBody)
        let existing = try await outbox.webhook(named: name)
        if existing?.fromFile == true { throw WebhookPath.declaredInFile(name) }
        let webhook = try WebhookInput.decode(Data(buffer: body)).webhook(named: name, createdAt: existing?.createdAt ?? clock.now())
        try await outbox.setWebhook(webhook)
        return WebhookAnswer(webhook)
    }

    @Sendable func remove(_ request: Request, context: Context) async throws -> Deleted {
        let name = try WebhookPath.name(in: context)
        if try await outbox.webhook(named: name)?.fromFile == true { throw WebhookPath.declaredInFile(name) }
        guard try await outbox.removeWebhook(named: name) else { throw WebhookPath.notFound(name) }
        return Deleted(name: name, deleted: true)
    }

    @Sendable func deliveries(_ request: Request, context: Context) async throws -> DeliveryList {
        let webhook = try await existing(context)
        let limit = try QueryParameters(request, now: clock.now()).limit(default: 50, max: 1000)
        return DeliveryList(deliveries: try await outbox.deliveries(toWebhook: webhook.name, limit: limit))
    }

    /// Sends a sample problem now; a receiver's failure is in the answer (`delivered: false`, `error`), not a 5xx.
    @Sendable func test(_ request: Request, context: Context) async throws -> DeliveryRecord {
        await dispatcher.sendTest(to: try await existing(context))
    }

    private func existing(_ context: Context) async throws -> Webhook {
        let name = try WebhookPath.name(in: context)
        guard let webhook = try await outbox.webhook(named: name) else { throw WebhookPath.notFound(name) }
        return webhook
    }
}

extension DeliveryRecord: ResponseEncodable {}

/// Reads the `{name}` of `/webhooks/{name}`, percent-decoded and checked.
enum WebhookPath {
    static func name(in context: some RequestContext) throws -> String {
        guard let name = try context.parameters.require("name").removingPercentEncoding else {
            throw APIError(.badRequest, "is not validly percent-encoded", field: "name")
        }
        try Webhook.validateName(name)
        return name
    }

    static func notFound(_ name: String) -> APIError {
        APIError(.notFound, "no webhook named '\(name)'", field: "name")
    }

    static func declaredInFile(_ name: String) -> APIError {
        APIError(.conflict, "webhook '\(name)' is declared in the webhooks file (--webhooks-file): change it there", field: "name")
    }
}
