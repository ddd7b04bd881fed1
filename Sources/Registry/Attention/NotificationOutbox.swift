import Foundation

/// What a notification dispatcher needs of the store: the webhooks, the due notifications, and a place to
/// write how each delivery went. The outbox rows are written by the store in the transactions that change
/// problems; the dispatcher only reads and marks them.
public protocol NotificationOutbox: Sendable {
    /// Every webhook, by name.
    func webhooks() async throws -> [Webhook]
    /// The webhook called `name`, if any.
    func webhook(named name: String) async throws -> Webhook?
    /// Adds `webhook`, or replaces the one of the same name.
    func setWebhook(_ webhook: Webhook) async throws
    /// Removes the webhook called `name` with its queued notifications and delivery log; `false` when there was none.
    func removeWebhook(named name: String) async throws -> Bool
    /// Makes `webhooks` the ones from the webhooks file, in one transaction: a file webhook no longer declared is
    /// removed (as ``removeWebhook(named:)`` does), a declared one added or replaced, keeping the time it was first
    /// declared and its queue; one the API made under a declared name becomes the file's.
    func replaceFileWebhooks(_ webhooks: [Webhook]) async throws
    /// Notifications not yet delivered nor given up whose next attempt is due by `now`, oldest first, at most `limit`.
    func dueNotifications(by now: Date, limit: Int) async throws -> [ProblemNotification]
    /// Records one delivery attempt of `record.notifications`: delivered when the record says so; otherwise
    /// each gets its attempt counted and its next attempt at `retryAt`, or is given up when `retryAt` is `nil`.
    /// Returns the record with its id in the log.
    @discardableResult
    func recordDelivery(_ record: DeliveryRecord, retryAt: Date?) async throws -> DeliveryRecord
    /// The newest delivery attempts to `webhook`, newest first.
    func deliveries(toWebhook webhook: String, limit: Int) async throws -> [DeliveryRecord]
    /// Problems open now (acknowledged or not) with their silences, for receivers that want the whole
    /// firing set again (Alertmanager forgets an alert that is not re-sent).
    func openProblems(now: Date) async throws -> [Problem]
}
