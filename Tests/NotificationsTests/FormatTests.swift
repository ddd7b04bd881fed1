import Foundation
@testable import Notifications
import Registry
import Testing

@Suite("Message formats")
struct FormatTests {
    private let receiver = URL(string: "http://127.0.0.1:9/hook")!

    private func message(_ format: WebhookFormat, _ notices: [WebhookNotice], secret: String? = nil) throws -> WebhookMessage {
        try WebhookMessage(to: webhook(url: receiver, format: format, secret: secret), notices: notices, pageURL: pageURL, now: at(30), firingFor: 240)
    }

    @Test("json: the batch and each notification with exactly the documented fields, worker only for a worker's problem")
    func json() throws {
        var acknowledged = workerProblem()
        acknowledged.acknowledgement = Acknowledgement(by: "alice", at: at(20), note: "on it")
        let message = try message(.json, [WebhookNotice(id: "42.acknowledged", change: .acknowledged, problem: acknowledged),
                                          WebhookNotice(id: "7.opened", change: .opened, problem: groupProblem())])
        let body = try #require(try message.body.json() as? [String: Any])
        #expect(Set(body.keys) == ["id", "sent_at", "notifications"])
        #expect(body["id"] as? String == message.id)
        #expect(message.id.hasPrefix("batch."))
        #expect(body["sent_at"] as? String == RFC3339.format(at(30)))
        let entries = try #require(body["notifications"] as? [[String: Any]])
        #expect(entries.count == 2)
        let worker = entries[0]
        #expect(Set(worker.keys) == ["id", "change", "kind", "group", "worker", "problem_id", "opened_at", "resolved_at", "acknowledged_by", "note", "detail", "link"])
        #expect(worker["id"] as? String == "42.acknowledged")
        #expect(worker["change"] as? String == "acknowledged")
        #expect(worker["kind"] as? String == "failed")
        #expect(worker["group"] as? String == "product.importer")
        #expect(worker["worker"] as? String == "imp-1")
        #expect(worker["problem_id"] as? Int == 42)
        #expect(worker["opened_at"] as? String == RFC3339.format(t0))
        #expect(worker["resolved_at"] is NSNull)
        #expect(worker["acknowledged_by"] as? String == "alice")
        #expect(worker["note"] as? String == "on it")
        #expect(worker["detail"] as? String == "disk full")
        #expect(worker["link"] as? String == "https://wok.example.com/workers/imp-1")
        let group = entries[1]
        #expect(group["worker"] == nil)
        #expect(group["link"] as? String == "https://wok.example.com/?group=price.promotion")
        #expect(message.headers["Content-Type"] == "application/json")
        #expect(message.headers[WebhookMessage.deliveryHeader] == message.id)
        #expect(message.headers[WebhookSignature.headerName] == nil)
        #expect(message.url == receiver)
    }

    @Test("json: one notification's message has its id; with a secret the body is signed at the send time")
    func signed() throws {
        let message = try message(.json, [WebhookNotice(id: "42.opened", change: .opened, problem: workerProblem())], secret: "k")
        #expect(message.id == "42.opened")
        let header = try #require(message.headers[WebhookSignature.headerName])
        #expect(header.hasPrefix("t=\(Int(at(30).timeIntervalSince1970)),v1="))
        #expect(WebhookSignature.verify(header, secret: "k", body: message.body, now: at(30)))
    }

    @Test("the batch id is the same for the same notifications, another for others")
    func batchID() {
        let a = WebhookNotice(id: "1.opened", change: .opened, problem: workerProblem(1)), b = WebhookNotice(id: "2.opened", change: .opened, problem: workerProblem(2))
        #expect(WebhookMessage.batchID([a, b]) == WebhookMessage.batchID([a, b]))
        #expect(WebhookMessage.batchID([a, b]) != WebhookMessage.batchID([b, a]))
        #expect(WebhookMessage.batchID([a]) == "1.opened")
    }

    @Test("slack: one line per notification, with a link to the page")
    func slack() throws {
        var resolved = groupProblem()
        resolved.resolvedAt = at(20)
        resolved.resolution = "2 running again"
        let message = try message(.slack, [WebhookNotice(id: "42.opened", change: .opened, problem: workerProblem()),
                                           WebhookNotice(id: "7.resolved", change: .resolved, problem: resolved)])
        let body = try #require(try message.body.json() as? [String: String])
        #expect(Set(body.keys) == ["text"])
        #expect(body["text"] == """
            :red_circle: failed worker imp-1 (product.importer): disk full — <https://wok.example.com/workers/imp-1|open>
            :large_green_circle: resolved: down group price.promotion (2 running again) — <https://wok.example.com/?group=price.promotion|open>
            """)
    }

    @Test("slack: what a worker sent cannot make a link, a mention or another line")
    func slackEscaping() throws {
        let problem = workerProblem(worker: "<script>&", group: "a<b>", detail: "<!channel> & <http://evil|click>\nsecond line")
        let text = try #require(try message(.slack, [WebhookNotice(id: "42.opened", change: .opened, problem: problem)]).body.json() as? [String: String])["text"]
        #expect(text == ":red_circle: failed worker &lt;script&gt;&amp; (a&lt;b&gt;): &lt;!channel&gt; &amp; &lt;http://evil|click&gt; second line"
            + " — <https://wok.example.com/workers/%3Cscript%3E%26|open>")
    }

    @Test("alertmanager: labels per problem, firing until four resend intervals from now, ended by an acknowledgement or resolution")
    func alertmanager() throws {
        var acknowledged = workerProblem(43)
        acknowledged.acknowledgement = Acknowledgement(by: "alice", at: at(20))
        var resolved = groupProblem()
        resolved.resolvedAt = at(25)
        let message = try message(.alertmanager, [
            WebhookNotice(id: "42.opened", change: .opened, problem: workerProblem()),
            WebhookNotice(id: "43.acknowledged", change: .acknowledged, problem: acknowledged),
            WebhookNotice(id: "7.resolved", change: .resolved, problem: resolved),
        ])
        #expect(message.url.absoluteString == "http://127.0.0.1:9/hook/api/v2/alerts")
        let alerts = try #require(try message.body.json() as? [[String: Any]])
        #expect(alerts.count == 3)
        #expect(Set(alerts[0].keys) == ["labels", "annotations", "startsAt", "endsAt", "generatorURL"])
        #expect(alerts[0]["labels"] as? [String: String] == [
            "alertname": "WokmanagerProblem", "kind": "failed", "group": "product.importer", "worker": "imp-1", "problem_id": "42",
        ])
        #expect(alerts[0]["annotations"] as? [String: String] == ["summary": "failed worker imp-1 (product.importer)", "detail": "disk full"])
        #expect(alerts[0]["startsAt"] as? String == RFC3339.format(t0))
        #expect(alerts[0]["endsAt"] as? String == RFC3339.format(at(30 + 240)))
        #expect(alerts[0]["generatorURL"] as? String == "https://wok.example.com/workers/imp-1")
        #expect(alerts[1]["endsAt"] as? String == RFC3339.format(at(20)))
        #expect((alerts[1]["annotations"] as? [String: String])?["acknowledged_by"] == "alice")
        #expect(alerts[2]["labels"] as? [String: String] == ["alertname": "WokmanagerProblem", "kind": "down", "group": "price.promotion", "problem_id": "7"])
        #expect(alerts[2]["endsAt"] as? String == RFC3339.format(at(25)))
    }
}
