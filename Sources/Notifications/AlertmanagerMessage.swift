import Foundation
import Registry

/// Alertmanager's `POST /api/v2/alerts`: one alert per notice, labelled by problem. An open problem fires until
/// `now + firingFor` (the dispatcher sends it again before then); an acknowledged or resolved one ends, so it
/// stops paging.
enum AlertmanagerMessage {
    static let alertName = "WokmanagerProblem"

    /// `/api/v2/alerts` under Alertmanager's base URL.
    static func alertsURL(_ base: URL) -> URL {
        let root = base.absoluteString.hasSuffix("/") ? String(base.absoluteString.dropLast()) : base.absoluteString
        return URL(string: root + "/api/v2/alerts") ?? base
    }

    static func body(notices: [WebhookNotice], pageURL: URL, now: Date, firingFor: Double) throws -> Data {
        try JSONEncoder.messages.encode(notices.map { alert($0, pageURL: pageURL, now: now, firingFor: firingFor) })
    }

    struct Alert: Encodable, Equatable {
        var labels: [String: String]
        var annotations: [String: String]
        var startsAt: String
        var endsAt: String
        var generatorURL: String
    }

    static func alert(_ notice: WebhookNotice, pageURL: URL, now: Date, firingFor: Double) -> Alert {
        let problem = notice.problem
        var labels = ["alertname": alertName, "kind": problem.kind.rawValue, "group": problem.group, "problem_id": String(problem.id)]
        if let worker = notice.worker { labels["worker"] = worker }
        var annotations = ["summary": notice.subjectText]
        if let detail = problem.detail { annotations["detail"] = detail }
        if let acknowledgement = problem.acknowledgement { annotations["acknowledged_by"] = acknowledgement.by }
        let endsAt: Date
        switch notice.change {
        case .opened: endsAt = now.addingTimeInterval(firingFor)
        case .acknowledged: endsAt = problem.acknowledgement?.at ?? now
        case .resolved: endsAt = problem.resolvedAt ?? now
        }
        return Alert(labels: labels, annotations: annotations, startsAt: RFC3339.format(problem.openedAt), endsAt: RFC3339.format(endsAt),
                     generatorURL: notice.link(base: pageURL))
    }
}
