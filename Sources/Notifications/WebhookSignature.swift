import Crypto
import Foundation

/// The `X-Wokmanager-Signature` of a JSON message, Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256>` over
/// `"<t>.<body>"` with the webhook's secret. The timestamp is signed too, so a receiver can refuse a replayed
/// message by its age.
///
/// ```swift
/// let header = WebhookSignature.header(secret: "k", timestamp: 1_700_000_000, body: body)
/// WebhookSignature.verify(header, secret: "k", body: body, now: Date(timeIntervalSince1970: 1_700_000_100))  // true
/// ```
public enum WebhookSignature {
    /// The header's name.
    public static let headerName = "X-Wokmanager-Signature"

    /// The header value signing `body` at `timestamp` (Unix seconds).
    public static func header(secret: String, timestamp: Int64, body: Data) -> String {
        "t=\(timestamp),v1=\(hexDigest(secret: secret, timestamp: timestamp, body: body))"
    }

    /// `true` when `header` signs `body` with `secret` and its timestamp is within `tolerance` seconds of `now`.
    public static func verify(_ header: String, secret: String, body: Data, now: Date, tolerance: Double = 300) -> Bool {
        var timestamp: Int64?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return false }
        let expected = Array(hexDigest(secret: secret, timestamp: timestamp, body: body).utf8)
        return signatures.contains { constantTimeEqual(Array($0.utf8), expected) }
    }

    private static func hexDigest(secret: String, timestamp: Int64, body: Data) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }

    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
