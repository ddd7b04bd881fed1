import Foundation
import Notifications
import Testing

@Suite("Webhook signatures")
struct SignatureTests {
    private let body = Data(#"{"id":"42.opened"}"#.utf8)
    private let signedAt = Date(timeIntervalSince1970: 1_700_000_000)

    /// Computed apart from the code under test:
    /// `python3 -c 'import hmac,hashlib;print(hmac.new(b"k", b"1700000000.{\"id\":\"42.opened\"}", hashlib.sha256).hexdigest())'`
    @Test("the header is t=<seconds>,v1=<hex HMAC-SHA256 of '<t>.<body>'>, as Python computes it")
    func knownVector() {
        #expect(WebhookSignature.header(secret: "k", timestamp: 1_700_000_000, body: body)
            == "t=1700000000,v1=f44fdebb4605ebe575a92b58f7e4dc1f8479f75b27f0da40abaf53999375db07")
    }

    @Test("verify accepts its own signature within the tolerance and refuses another body, key or an old timestamp")
    func verify() {
        let header = WebhookSignature.header(secret: "k", timestamp: 1_700_000_000, body: body)
        #expect(WebhookSignature.verify(header, secret: "k", body: body, now: signedAt.addingTimeInterval(299)))
        #expect(!WebhookSignature.verify(header, secret: "k", body: body, now: signedAt.addingTimeInterval(301)))
        #expect(!WebhookSignature.verify(header, secret: "other", body: body, now: signedAt))
        #expect(!WebhookSignature.verify(header, secret: "k", body: Data(#"{"id":"43.opened"}"#.utf8), now: signedAt))
        #expect(!WebhookSignature.verify("v1=deadbeef", secret: "k", body: body, now: signedAt))
    }
}
