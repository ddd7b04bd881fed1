import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Registry
import ServiceLifecycle
import Synchronization

/// Delivers the outbox's notifications to webhooks: every tick, on the replica holding the lease, each webhook
/// gets one message with the notifications due for it; failures are retried with backoff, and given up after
/// ``NotificationPolicy/giveUpAfter``. Alertmanager webhooks are also sent every open problem again, as
/// Prometheus re-sends alerts, because Alertmanager forgets an alert it stops hearing of.
///
/// It owns one `HTTPClient`, shut down when the service ends.
///
/// ```swift
/// let dispatcher = NotificationDispatcher(outbox: store, pageURL: publicURL, holdsLease: { await store.holdsMaintenanceLease() }, logger: logger)
/// ```
public final class NotificationDispatcher: Service, Sendable {
    /// The most notifications one message carries.
    public static let maxPerMessage = 100
    /// The most due notifications read in one tick.
    public static let maxPerTick = 500

    /// Where the due notifications, the webhooks and the delivery log are.
    public let outbox: any NotificationOutbox
    let pageURL: URL
    let policy: NotificationPolicy
    let tick: Duration
    let resendInterval: Double
    let requestTimeout: Duration
    let holdsLease: @Sendable () async -> Bool
    let now: @Sendable () -> Date
    let onDelivery: @Sendable (_ webhook: String, _ delivered: Bool, _ givenUp: Int) -> Void
    let logger: Logger
    let client: HTTPClient
    /// When the open problems were last re-sent to Alertmanager webhooks.
    let lastResend = Mutex<Date?>(nil)

    /// Creates the dispatcher and its HTTP client.
    ///
    /// - Parameters:
    ///   - outbox: where the due notifications, the webhooks and the delivery log are (the store).
    ///   - pageURL: the server's public base URL, for links in messages.
    ///   - policy: retries and giving up; the group window is already in the outbox's due times.
    ///   - tick: how often it looks for due notifications.
    ///   - resendInterval: how often Alertmanager webhooks are sent the open problems again, in seconds; an open
    ///     problem's alert ends four intervals after it was last sent.
    ///   - requestTimeout: how long one POST may take, connecting included.
    ///   - holdsLease: `true` on the one replica that sends (the maintenance lease's holder).
    ///   - now: the clock due times, retries and giving up are judged by.
    ///   - onDelivery: hears of every attempt: the webhook, whether it was delivered, and how many notifications
    ///     it gave up.
    public init(
        outbox: any NotificationOutbox, pageURL: URL, policy: NotificationPolicy = NotificationPolicy(), tick: Duration = .seconds(1),
        resendInterval: Double = 60, requestTimeout: Duration = .seconds(10), holdsLease: @escaping @Sendable () async -> Bool,
        now: @escaping @Sendable () -> Date = { Date() },
        onDelivery: @escaping @Sendable (_ webhook: String, _ delivered: Bool, _ givenUp: Int) -> Void = { _, _, _ in }, logger: Logger
    ) {
        self.outbox = outbox
        self.pageURL = pageURL
        self.policy = policy
        self.tick = tick
        self.resendInterval = resendInterval
        self.requestTimeout = requestTimeout
        self.holdsLease = holdsLease
        self.now = now
        self.onDelivery = onDelivery
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        // A refused connection fails the attempt at once; the policy's backoff retries it, not the pool.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: TimeAmount(requestTimeout), read: TimeAmount(requestTimeout))
        client = HTTPClient(configuration: configuration, backgroundActivityLogger: logger)
    }

    /// Delivers every tick until graceful shutdown, then shuts the HTTP client down.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: self.tick)
                await self.deliverDue()
            }
        }
        try await client.shutdown()
    }

    /// One tick's work: when this replica holds the lease, sends what is due to each webhook (webhooks in parallel),
    /// then, once per resend interval, the open problems to Alertmanager webhooks.
    public func deliverDue() async {
        guard await holdsLease() else { return }
        let now = now()
        do {
            let due = try await outbox.dueNotifications(by: now, limit: Self.maxPerTick)
            let needsResend = resendIsDue(at: now)
            guard !due.isEmpty || needsResend else { return }
            let webhooks = Dictionary(try await outbox.webhooks().map { ($0.name, $0) }) { first, _ in first }
            let byWebhook = Dictionary(grouping: due, by: \.webhook)
            await withTaskGroup(of: Void.self) { group in
                for (name, notifications) in byWebhook {
                    group.addTask {
                        for start in stride(from: 0, to: notifications.count, by: Self.maxPerMessage) {
                            let batch = Array(notifications[start..<min(start + Self.maxPerMessage, notifications.count)])
                            await self.deliver(batch, to: webhooks[name], named: name, now: now)
                        }
                    }
                }
            }
            if needsResend { try await resendFiring(to: webhooks.values.filter { $0.format == .alertmanager }, now: now) }
        } catch {
            logger.warning("notifications not dispatched", metadata: ["error": "\(error)"])
        }
    }

    /// Sends one batch and records how it went: delivered; or retried after the policy's delay; or, for the
    /// notifications older than ``NotificationPolicy/giveUpAfter`` (all of them when the webhook is gone), given up.
    func deliver(_ batch: [ProblemNotification], to webhook: Webhook?, named name: String, now: Date) async {
        let ids = batch.map(\.id)
        guard let webhook else {
            onDelivery(name, false, ids.count)
            await record(DeliveryRecord(webhook: name, at: now, notifications: ids, statusCode: nil, error: "the webhook was removed", duration: 0), retryAt: nil)
            return
        }
        let result: WebhookResult
        do {
            let message = try WebhookMessage(to: webhook, notices: batch.map(WebhookNotice.init), pageURL: pageURL, now: now, firingFor: firingFor)
            result = await post(message)
        } catch {
            result = WebhookResult(statusCode: nil, error: "the message could not be written: \(error)", duration: 0)
        }
        guard let error = result.error else {
            logger.debug("notifications delivered", metadata: ["webhook": "\(name)", "count": "\(batch.count)", "status": "\(result.statusCode ?? 0)"])
            onDelivery(name, true, 0)
            await record(result.record(webhook: name, at: now, notifications: ids), retryAt: nil)
            return
        }
        let (expired, retried) = (batch.filter(isExpired(at: now)), batch.filter { !isExpired(at: now)($0) })
        let retryAt = now.addingTimeInterval(policy.retryDelay(afterAttempts: (retried.map(\.attempts).max() ?? 0) + 1))
        onDelivery(name, false, expired.count)
        logger.warning("webhook delivery failed", metadata: [
            "webhook": "\(name)", "error": "\(error)", "count": "\(batch.count)", "given_up": "\(expired.count)",
            "retry_at": "\(retried.isEmpty ? "never" : RFC3339.format(retryAt))",
        ])
        if !retried.isEmpty { await record(result.record(webhook: name, at: now, notifications: retried.map(\.id)), retryAt: retryAt) }
        if !expired.isEmpty { await record(result.record(webhook: name, at: now, notifications: expired.map(\.id)), retryAt: nil) }
    }

    /// How long an open problem's alert fires without being sent again.
    var firingFor: Double { 4 * resendInterval }

    private func isExpired(at now: Date) -> @Sendable (ProblemNotification) -> Bool {
        let giveUpAfter = policy.giveUpAfter
        return { now.timeIntervalSince($0.createdAt) > giveUpAfter }
    }

    /// Writes the attempt to the delivery log and returns it with its id there; a failure to write is logged (the
    /// record comes back with id 0), and the notifications stay due.
    @discardableResult
    func record(_ record: DeliveryRecord, retryAt: Date?) async -> DeliveryRecord {
        do {
            return try await outbox.recordDelivery(record, retryAt: retryAt)
        } catch {
            logger.warning("delivery not recorded", metadata: ["webhook": "\(record.webhook)", "error": "\(error)"])
            return record
        }
    }
}
