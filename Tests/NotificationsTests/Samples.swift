import Foundation
import Registry

/// A fixed instant the tests count from.
let t0 = Date(timeIntervalSince1970: 1_800_000_000)
let pageURL = URL(string: "https://wok.example.com/")!

func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

/// A failed worker's problem, opened at t0.
func workerProblem(_ id: Int64 = 42, worker: String = "imp-1", group: String = "product.importer", detail: String? = "disk full") -> Problem {
    Problem(id: id, kind: .failed, subject: .worker(worker), group: group, openedAt: t0, detail: detail)
}

/// A group's `down` problem, opened at t0.
func groupProblem(_ id: Int64 = 7, group: String = "price.promotion") -> Problem {
    Problem(id: id, kind: .down, subject: .group(group), group: group, openedAt: t0, detail: "0 running, at least 2 expected")
}

func webhook(_ name: String = "hook", url: URL, format: WebhookFormat = .json, group: String? = nil, kinds: Set<ProblemKind> = [], secret: String? = nil)
    -> Webhook
{
    Webhook(name: name, url: url, format: format, group: group, kinds: kinds, secret: secret, createdAt: t0)
}

extension Data {
    /// The body as a JSON value.
    func json() throws -> Any { try JSONSerialization.jsonObject(with: self) }
}
