import Foundation

/// Delivers a worker's events in order, in the background, retrying while the server is unreachable or asks to
/// wait (429, after its `Retry-After`, at most a minute).
///
/// The wrapped program never waits for the server: events queue up, queued heartbeats collapse into
/// the newest one, and a line on standard error says when delivery fails and when it recovers.
actor EventReporter {
    private let client: APIClient
    private let warn: @Sendable (String) -> Void
    private var queue: [[String: JSONValue]] = []
    private var delivering: Task<Void, Never>?
    private var unreachable = false

    init(client: APIClient, warn: @escaping @Sendable (String) -> Void) {
        self.client = client
        self.warn = warn
    }

    /// Queues an event for delivery.
    func send(_ event: [String: JSONValue]) {
        if Self.isHeartbeat(event), let last = queue.indices.last, last > 0, Self.isHeartbeat(queue[last]) {
            queue[last] = event
        } else {
            queue.append(event)
        }
        if delivering == nil {
            delivering = Task { await self.deliver() }
        }
    }

    /// Waits until the queue is delivered or `timeout` passes; returns how many events were left undelivered.
    func flush(timeout: Duration) async -> Int {
        let deadline = ContinuousClock.now + timeout
        while delivering != nil, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return queue.count
    }

    private func deliver() async {
        var backoff = Duration.milliseconds(250)
        while let event = queue.first {
            do {
                _ = try await client.post(event: event)
                queue.removeFirst()
                backoff = .milliseconds(250)
                if unreachable {
                    unreachable = false
                    warn("wokmanager run: reached the server again; delivering queued events")
                }
            } catch let error as ClientError where error.retryAfter != nil {
                let wait = min(error.retryAfter ?? 1, 60)
                warn("wokmanager run: \(error.description); retrying in \(wait) s")
                try? await Task.sleep(for: .seconds(wait))
            } catch let error as ClientError where error.isConnectionFailure {
                if !unreachable {
                    unreachable = true
                    warn("wokmanager run: \(error.description); the command keeps running and events are retried")
                }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            } catch {
                warn("wokmanager run: the server refused an event, dropping it: \(error)")
                queue.removeFirst()
            }
        }
        delivering = nil
    }

    private static func isHeartbeat(_ event: [String: JSONValue]) -> Bool {
        event["event"] == .string("heartbeat")
    }
}
