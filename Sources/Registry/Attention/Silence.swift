import Foundation

/// Mutes notifications about a subtree or a worker until a time: a maintenance window, a known outage.
/// Problems it covers stay listed, marked with the silence.
public struct Silence: Sendable, Equatable, Codable {
    /// Increasing id in the store.
    public var id: Int64
    public var subject: Subject
    /// When it ends.
    public var until: Date
    /// Why, for people.
    public var note: String?
    /// The name of the key that created it.
    public var author: String
    public var createdAt: Date

    /// Creates a silence; the store assigns ``id`` when it saves a new one.
    public init(id: Int64 = 0, subject: Subject, until: Date, note: String? = nil, author: String, createdAt: Date) {
        self.id = id
        self.subject = subject
        self.until = until
        self.note = note
        self.author = author
        self.createdAt = createdAt
    }

    /// `true` while it mutes, at `now`.
    public func isActive(at now: Date) -> Bool { until > now }

    enum CodingKeys: String, CodingKey {
        case id, group, worker, until, note, author
        case createdAt = "created_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int64.self, forKey: .id)
        if let worker = try container.decodeIfPresent(String.self, forKey: .worker) {
            subject = .worker(worker)
        } else {
            subject = .group(try container.decode(String.self, forKey: .group))
        }
        until = try container.decode(Date.self, forKey: .until)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        author = try container.decode(String.self, forKey: .author)
        createdAt = try container.decode(Date.self, forKey: .createdAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        switch subject {
        case .group(let path): try container.encode(path, forKey: .group)
        case .worker(let id): try container.encode(id, forKey: .worker)
        }
        try container.encode(until, forKey: .until)
        try container.encode(note, forKey: .note)
        try container.encode(author, forKey: .author)
        try container.encode(createdAt, forKey: .createdAt)
    }
}
