import Foundation

/// A receiver of notifications: where to send, in which format, and about what.
public struct Webhook: Sendable, Equatable {
    /// The name people use for it (`oncall-slack`); letters, digits, `-`, `_` and `.`.
    public var name: String
    /// Where messages are POSTed; for ``WebhookFormat/alertmanager``, Alertmanager's base URL (`/api/v2/alerts` is added).
    public var url: URL
    public var format: WebhookFormat
    /// The subtree whose problems it hears of; `nil` for all.
    public var group: String?
    /// The kinds it hears of; empty for all.
    public var kinds: Set<ProblemKind>
    /// The HMAC-SHA256 key of ``WebhookFormat/json`` messages' signature; `nil` sends them unsigned.
    public var secret: String?
    public var createdAt: Date
    /// Whether the webhooks file declares it (`--webhooks-file`): then only the file changes or removes it.
    public var fromFile: Bool

    /// Creates a webhook.
    public init(
        name: String, url: URL, format: WebhookFormat, group: String? = nil, kinds: Set<ProblemKind> = [], secret: String? = nil, createdAt: Date,
        fromFile: Bool = false
    ) {
        self.name = name
        self.url = url
        self.format = format
        self.group = group
        self.kinds = kinds
        self.secret = secret
        self.createdAt = createdAt
        self.fromFile = fromFile
    }

    /// `true` when it should hear of `problem`.
    public func hears(of problem: Problem) -> Bool {
        Self.hears(of: problem, group: group, kinds: kinds)
    }

    /// The rule of ``hears(of:)``, for what knows only a webhook's subtree and kinds.
    static func hears(of problem: Problem, group: String?, kinds: Set<ProblemKind>) -> Bool {
        (kinds.isEmpty || kinds.contains(problem.kind)) && (group.map { Subject.group($0, contains: problem.group) } ?? true)
    }

    /// Checks a webhook name: 1 to 64 letters, digits, `-`, `_` or `.`.
    public static func validateName(_ name: String) throws(EventValidationError) {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F || byte == 0x2E
        }
        guard !name.isEmpty, name.utf8.count <= 64, allowed, name.utf8.contains(where: { $0 != UInt8(ascii: ".") }) else {
            throw EventValidationError(field: "name", message: "must be 1 to 64 letters, digits, '-', '_' or '.', not dots alone")
        }
    }
}

/// How a webhook's messages are written.
public enum WebhookFormat: String, Sendable, Codable, CaseIterable {
    /// wokmanager's own JSON, signed with HMAC-SHA256 over the timestamp and the body.
    case json
    /// A Slack incoming webhook's `{"text": ...}`.
    case slack
    /// Alertmanager's `POST /api/v2/alerts`: firing and resolved alerts labelled `group`, `worker`, `kind`.
    case alertmanager
}
