import Foundation

/// Which groups a query covers: a group and everything below it, or a glob over the whole path.
public enum GroupFilter: Sendable, Equatable {
    /// `product` matches `product` and `product.importer`, not `products`.
    case subtree(String)
    /// `product.*` or `*.importer`: `*` matches any run of characters (dots included), `?` one character.
    case glob(String)

    /// Reads a filter as a client writes it; a text with `*` or `?` is a glob.
    public init(parsing text: String, field: String = "group") throws(EventValidationError) {
        if Identifiers.isGlob(text) {
            if text.contains(where: { $0 == "[" || $0 == "]" }) {
                throw EventValidationError(field: field, message: "must not contain '[' or ']'")
            }
            self = .glob(text)
        } else {
            try Identifiers.validateGroup(text, field: field)
            self = .subtree(text)
        }
    }
}

/// A filtered, paged listing of workers.
public struct WorkerQuery: Sendable, Equatable {
    /// Largest page a client may ask for.
    public static let maxLimit = 1000
    /// Longest ``search`` text, in code points.
    public static let maxSearchLength = 200

    /// The ids to include; `nil` for all.
    public var id: IDPattern?
    /// The groups to include; `nil` for all.
    public var group: GroupFilter?
    /// The statuses to include (as shown now, `lost` included); empty for all.
    public var statuses: Set<WorkerStatus>
    /// Text that the id, host, version or latest message contains, ignoring the case of ASCII letters; `nil` for all.
    public var search: String?
    /// The order of the listing; by id unless asked otherwise.
    public var order: WorkerOrder
    /// Most workers on one page.
    public var limit: Int
    /// Continue after this id (the previous page's ``PagedWorkers/nextCursor``); for the order by id only.
    public var after: String?
    /// Skip this many workers of the listing first (a numbered page).
    public var offset: Int

    /// Creates a query.
    public init(
        id: IDPattern? = nil, group: GroupFilter? = nil, statuses: Set<WorkerStatus> = [], search: String? = nil, order: WorkerOrder = .byID,
        limit: Int = 100, after: String? = nil, offset: Int = 0
    ) {
        self.id = id
        self.group = group
        self.statuses = statuses
        self.search = search
        self.order = order
        self.limit = limit
        self.after = after
        self.offset = offset
    }
}

/// One page of workers, ordered by id; also the JSON answer of `GET /workers`.
public struct PagedWorkers: Sendable, Equatable, Codable {
    /// The workers, with their status as shown now.
    public var workers: [Worker]
    /// The cursor for the next page, when there is one.
    public var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case workers
        case nextCursor = "next_cursor"
    }

    /// Creates a page.
    public init(workers: [Worker], nextCursor: String?) {
        self.workers = workers
        self.nextCursor = nextCursor
    }

    /// A page from a listing that fetched one row more than `limit` to learn whether another page follows;
    /// a cursor is given for the order by id only (other orders page by offset).
    init(listing: [Worker], limit: Int, order: WorkerOrder) {
        let hasMore = listing.count > limit
        let workers = Array(listing.prefix(limit))
        self.init(workers: workers, nextCursor: hasMore && order == .byID ? workers.last?.id : nil)
    }
}

/// A filtered listing of history entries, newest first (oldest first after a sequence number).
public struct HistoryQuery: Sendable, Equatable {
    /// Largest number of entries a client may ask for.
    public static let maxLimit = 1000

    public var workerID: String?
    public var group: GroupFilter?
    /// Only entries made by these events (`error`, `message`, `started`, `lost`...); empty for all.
    public var events: Set<HistoryEvent>
    /// Only entries that changed the worker's status.
    public var stateChangesOnly: Bool
    /// Only entries whose `at` is at or after this time.
    public var since: Date?
    /// Only entries older than this sequence number (paging backwards).
    public var before: Int64?
    /// Only entries newer than this sequence number, and then oldest first (following along, as a stream does).
    public var after: Int64?
    public var limit: Int

    /// Creates a query.
    public init(
        workerID: String? = nil, group: GroupFilter? = nil, events: Set<HistoryEvent> = [], stateChangesOnly: Bool = false, since: Date? = nil,
        before: Int64? = nil, after: Int64? = nil, limit: Int = 100
    ) {
        self.after = after
        self.workerID = workerID
        self.group = group
        self.events = events
        self.stateChangesOnly = stateChangesOnly
        self.since = since
        self.before = before
        self.limit = limit
    }
}

/// How many workers of a group have a status.
public struct GroupCount: Sendable, Equatable {
    public var group: String
    public var status: WorkerStatus
    public var count: Int

    /// Creates a count.
    public init(group: String, status: WorkerStatus, count: Int) {
        self.group = group
        self.status = status
        self.count = count
    }
}
