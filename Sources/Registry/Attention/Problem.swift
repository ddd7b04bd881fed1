import Foundation

/// Something that needs a person: a worker that was lost or failed, a group short of workers, a job that did
/// not start, a run that went on too long. It opens when the rules see the cause and resolves by itself when
/// the cause goes; a person can acknowledge it meanwhile (it stays listed, no longer red, no more notifications).
public struct Problem: Sendable, Equatable, Codable {
    /// Increasing id in the store; stable for the problem's life.
    public var id: Int64
    public var kind: ProblemKind
    /// The worker or the group the problem is about.
    public var subject: Subject
    /// The subject's group: the group itself, or the worker's group when it opened.
    public var group: String
    public var openedAt: Date
    /// When it resolved; `nil` while open.
    public var resolvedAt: Date?
    /// Why it resolved, for people (`worker running again`, `deregistered`, `resolve_after 1h passed`).
    public var resolution: String?
    /// Who acknowledged it, when, with what note; `nil` when nobody has.
    public var acknowledgement: Acknowledgement?
    /// What the rules saw, for people: the worker's last error, `3 running, at least 8 expected`.
    public var detail: String?
    /// The silence muting its notifications now, if any (read-time: silences end).
    public var silencedBy: Int64?

    /// Open, acknowledged or resolved.
    public var state: ProblemState {
        if resolvedAt != nil { return .resolved }
        return acknowledgement == nil ? .open : .acknowledged
    }

    /// `true` while it needs someone: open and not acknowledged. The tree, the summary and `/metrics` count these.
    public var needsAttention: Bool { state == .open }

    /// Creates a problem; the store assigns ``id`` when it saves a new one.
    public init(
        id: Int64 = 0, kind: ProblemKind, subject: Subject, group: String, openedAt: Date, resolvedAt: Date? = nil,
        resolution: String? = nil, acknowledgement: Acknowledgement? = nil, detail: String? = nil, silencedBy: Int64? = nil
    ) {
        self.id = id
        self.kind = kind
        self.subject = subject
        self.group = group
        self.openedAt = openedAt
        self.resolvedAt = resolvedAt
        self.resolution = resolution
        self.acknowledgement = acknowledgement
        self.detail = detail
        self.silencedBy = silencedBy
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, group, worker, state, resolution, acknowledgement, detail
        case openedAt = "opened_at"
        case resolvedAt = "resolved_at"
        case silencedBy = "silenced_by"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int64.self, forKey: .id)
        kind = try container.decode(ProblemKind.self, forKey: .kind)
        group = try container.decode(String.self, forKey: .group)
        subject = try container.decodeIfPresent(String.self, forKey: .worker).map(Subject.worker) ?? .group(group)
        openedAt = try container.decode(Date.self, forKey: .openedAt)
        resolvedAt = try container.decodeIfPresent(Date.self, forKey: .resolvedAt)
        resolution = try container.decodeIfPresent(String.self, forKey: .resolution)
        acknowledgement = try container.decodeIfPresent(Acknowledgement.self, forKey: .acknowledgement)
        detail = try container.decodeIfPresent(String.self, forKey: .detail)
        silencedBy = try container.decodeIfPresent(Int64.self, forKey: .silencedBy)
    }

    /// `worker` is present only for a worker's problem; `group` always.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .kind)
        try container.encode(group, forKey: .group)
        if case .worker(let id) = subject { try container.encode(id, forKey: .worker) }
        try container.encode(state, forKey: .state)
        try container.encode(openedAt, forKey: .openedAt)
        try container.encode(resolvedAt, forKey: .resolvedAt)
        try container.encode(resolution, forKey: .resolution)
        try container.encode(acknowledgement, forKey: .acknowledgement)
        try container.encode(detail, forKey: .detail)
        try container.encode(silencedBy, forKey: .silencedBy)
    }
}

/// Where a problem stands.
public enum ProblemState: String, Codable, CaseIterable, Sendable {
    /// Open and nobody has acknowledged it: it colours the tree and notifies.
    case open
    /// Open, but someone said they are on it.
    case acknowledged
    /// Over: the cause went, or the worker was deregistered.
    case resolved
}

/// Someone saying "I am on it".
public struct Acknowledgement: Sendable, Equatable, Codable {
    /// The name of the key that acknowledged (`alice`, `oncall`), never its secret.
    public var by: String
    public var at: Date
    public var note: String?

    /// Creates an acknowledgement.
    public init(by: String, at: Date, note: String? = nil) {
        self.by = by
        self.at = at
        self.note = note
    }
}

/// What ``WorkerStore/problems(_:)`` lists.
public struct ProblemQuery: Sendable, Equatable {
    /// Largest page a client may ask for.
    public static let maxLimit = 1000

    /// The kinds to include; empty for all.
    public var kinds: Set<ProblemKind>
    /// The groups to include (a worker's problem by its group); `nil` for all.
    public var group: GroupFilter?
    /// The states to include; empty for all.
    public var states: Set<ProblemState>
    /// Only problems opened or resolved at or after this time.
    public var since: Date?
    public var limit: Int

    /// Creates a query; by default the problems still open, acknowledged or not.
    public init(kinds: Set<ProblemKind> = [], group: GroupFilter? = nil, states: Set<ProblemState> = [.open, .acknowledged], since: Date? = nil, limit: Int = 100) {
        self.kinds = kinds
        self.group = group
        self.states = states
        self.since = since
        self.limit = limit
    }
}
