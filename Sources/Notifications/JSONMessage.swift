import Foundation
import Registry

/// wokmanager's own format: `{"id", "sent_at", "notifications": [...]}`, one entry per notice, times in RFC 3339.
enum JSONMessage {
    static func body(id: String, notices: [WebhookNotice], pageURL: URL, now: Date) throws -> Data {
        try JSONEncoder.messages.encode(Body(id: id, sentAt: RFC3339.format(now), notifications: notices.map { Entry($0, pageURL: pageURL) }))
    }

    struct Body: Encodable {
        var id: String
        var sentAt: String
        var notifications: [Entry]

        enum CodingKeys: String, CodingKey {
            case id, notifications
            case sentAt = "sent_at"
        }
    }

    /// One notice; `worker` only for a worker's problem, the other fields always (`null` when empty).
    struct Entry: Encodable {
        var notice: WebhookNotice
        var link: String

        init(_ notice: WebhookNotice, pageURL: URL) {
            self.notice = notice
            link = notice.link(base: pageURL)
        }

        enum CodingKeys: String, CodingKey {
            case id, change, kind, group, worker, note, detail, link
            case problemID = "problem_id"
            case openedAt = "opened_at"
            case resolvedAt = "resolved_at"
            case acknowledgedBy = "acknowledged_by"
        }

        func encode(to encoder: any Encoder) throws {
            let problem = notice.problem
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(notice.id, forKey: .id)
            try container.encode(notice.change, forKey: .change)
            try container.encode(problem.kind, forKey: .kind)
            try container.encode(problem.group, forKey: .group)
            if let worker = notice.worker { try container.encode(worker, forKey: .worker) }
            try container.encode(problem.id, forKey: .problemID)
            try container.encode(RFC3339.format(problem.openedAt), forKey: .openedAt)
            try container.encode(problem.resolvedAt.map(RFC3339.format), forKey: .resolvedAt)
            try container.encode(problem.acknowledgement?.by, forKey: .acknowledgedBy)
            try container.encode(problem.acknowledgement?.note, forKey: .note)
            try container.encode(problem.detail, forKey: .detail)
            try container.encode(link, forKey: .link)
        }
    }
}
