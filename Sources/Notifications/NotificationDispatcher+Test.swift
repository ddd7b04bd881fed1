import Foundation
import Registry

extension NotificationDispatcher {
    /// The worker of the sample problem ``sendTest(to:)`` sends.
    public static let testWorker = "wokmanager-test"
    /// The group of the sample problem.
    public static let testGroup = "wokmanager.test"

    /// Sends `webhook` a sample problem in its format (a failed worker `wokmanager-test` in `wokmanager.test`, id
    /// `test.<unix seconds>`), now and not through the outbox, and writes the attempt to the delivery log.
    /// `wokmanager webhooks test NAME` calls this through `POST /webhooks/{name}/test`.
    public func sendTest(to webhook: Webhook) async -> DeliveryRecord {
        let now = now()
        let problem = Problem(
            kind: .failed, subject: .worker(Self.testWorker), group: Self.testGroup, openedAt: now,
            detail: "a test notification from wokmanager: nothing is wrong")
        let notice = WebhookNotice(id: "test.\(Int64(now.timeIntervalSince1970))", change: .opened, problem: problem)
        let result: WebhookResult
        do {
            result = await post(try WebhookMessage(to: webhook, notices: [notice], pageURL: pageURL, now: now, firingFor: firingFor))
        } catch {
            result = WebhookResult(statusCode: nil, error: "the message could not be written: \(error)", duration: 0)
        }
        let record = result.record(webhook: webhook.name, at: now, notifications: [])
        logger.debug("test notification sent", metadata: ["webhook": "\(webhook.name)", "error": "\(record.error ?? "none")"])
        return await self.record(record, retryAt: nil)
    }
}
