import AsyncHTTPClient
import Foundation
import NIOCore
import Registry

/// How one POST went: the status, what went wrong, how long it took.
struct WebhookResult: Sendable {
    var statusCode: Int?
    /// `nil` for a 2xx; `HTTP 500`, `connection refused`, `timed out after 10 s` otherwise.
    var error: String?
    var duration: Double

    func record(webhook: String, at: Date, notifications: [Int64]) -> DeliveryRecord {
        DeliveryRecord(webhook: webhook, at: at, notifications: notifications, statusCode: statusCode, error: error, duration: duration)
    }
}

extension NotificationDispatcher {
    /// The most of an answer's body read (and dropped) before the connection is reused.
    static let maxAnswerBytes = 64 << 10

    /// POSTs `message` over the dispatcher's client; never throws, the result says what went wrong.
    func post(_ message: WebhookMessage) async -> WebhookResult {
        var request = HTTPClientRequest(url: message.url.absoluteString)
        request.method = .POST
        for (name, value) in message.headers { request.headers.add(name: name, value: value) }
        request.headers.add(name: "User-Agent", value: "wokmanager")
        request.body = .bytes(ByteBuffer(bytes: message.body))
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double {
            (clock.now - start).inSeconds
        }
        do {
            let response = try await client.execute(request, timeout: TimeAmount(requestTimeout), logger: logger)
            _ = try? await response.body.collect(upTo: Self.maxAnswerBytes)
            let code = Int(response.status.code)
            return WebhookResult(statusCode: code, error: (200..<300).contains(code) ? nil : "HTTP \(code)", duration: elapsed())
        } catch {
            return WebhookResult(statusCode: nil, error: describe(error), duration: elapsed())
        }
    }

    /// A failure in words for the delivery log; never the URL (a Slack webhook's URL is its secret).
    func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout: return "timed out after \(requestTimeout)"
            case .remoteConnectionClosed: return "the receiver closed the connection"
            default: return "\(error)"
            }
        }
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("connection refused") { return "connection refused" }
        if text.localizedCaseInsensitiveContains("timed out") || text.localizedCaseInsensitiveContains("timeout") { return "timed out after \(requestTimeout)" }
        return String(text.prefix(200))
    }
}
