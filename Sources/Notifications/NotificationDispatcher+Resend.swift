import Foundation
import Registry

/// Alertmanager forgets an alert it does not hear of again before the alert's `endsAt`: every resend interval,
/// each Alertmanager webhook is sent the problems it hears of that are open, unacknowledged and unsilenced.
/// These re-sends are not in the outbox nor in the delivery log; a failed one waits for the next interval.
extension NotificationDispatcher {
    /// `true` (and the interval restarts) when the last re-send is an interval old, or there was none.
    func resendIsDue(at now: Date) -> Bool {
        lastResend.withLock { last in
            guard last.map({ now.timeIntervalSince($0) >= resendInterval }) ?? true else { return false }
            last = now
            return true
        }
    }

    func resendFiring(to webhooks: [Webhook], now: Date) async throws {
        guard !webhooks.isEmpty else { return }
        let firing = try await outbox.openProblems(now: now).filter { $0.needsAttention && $0.silencedBy == nil }
        for webhook in webhooks {
            let notices = firing.filter(webhook.hears(of:)).map { WebhookNotice(id: "\($0.id).opened", change: .opened, problem: $0) }
            for start in stride(from: 0, to: notices.count, by: Self.maxPerMessage) {
                let batch = Array(notices[start..<min(start + Self.maxPerMessage, notices.count)])
                let result = await post(try WebhookMessage(to: webhook, notices: batch, pageURL: pageURL, now: now, firingFor: firingFor))
                if let error = result.error {
                    logger.warning("alerts not re-sent", metadata: ["webhook": "\(webhook.name)", "error": "\(error)", "count": "\(batch.count)"])
                } else {
                    logger.debug("alerts re-sent", metadata: ["webhook": "\(webhook.name)", "count": "\(batch.count)"])
                }
            }
        }
    }
}
