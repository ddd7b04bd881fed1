/// The domain tree: groups split at their dots (`product` -> `importer`), with counts per status at every node.
public struct DomainNode: Sendable, Equatable, Codable {
    /// The last segment of the path (`importer`); empty for the root.
    public var name: String
    /// The full dotted path (`product.importer`); empty for the root.
    public var path: String
    /// Workers at this node and below, per status.
    public var counts: StatusCounts
    /// Child nodes, those needing attention first (failed, then lost), then by name.
    public var children: [DomainNode]

    /// The worst status present at or below this node, if it has any worker.
    public var worstStatus: WorkerStatus? { counts.worst }

    enum CodingKeys: String, CodingKey {
        case name, path, counts, children
        case worstStatus = "worst_status"
    }

    /// Creates a node.
    public init(name: String, path: String, counts: StatusCounts, children: [DomainNode]) {
        self.name = name
        self.path = path
        self.counts = counts
        self.children = children
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        path = try container.decode(String.self, forKey: .path)
        counts = try container.decode(StatusCounts.self, forKey: .counts)
        children = try container.decode([DomainNode].self, forKey: .children)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(path, forKey: .path)
        try container.encode(counts, forKey: .counts)
        try container.encodeIfPresent(worstStatus, forKey: .worstStatus)
        try container.encode(children, forKey: .children)
    }

    /// Builds the tree from per-group counts.
    public static func tree(from counts: [GroupCount]) -> DomainNode {
        var root = Builder(name: "", path: "")
        for count in counts {
            root.add(count, segments: count.group.split(separator: ".").map(String.init)[...])
        }
        var tree = root.node
        tree.sortChildren()
        return tree
    }

    /// A node under construction, its children indexed by name so that adding a group costs one lookup
    /// per segment however many siblings there are.
    private struct Builder {
        let name: String
        let path: String
        var counts = StatusCounts()
        var children: [Builder] = []
        var childIndex: [String: Int] = [:]

        init(name: String, path: String) {
            self.name = name
            self.path = path
        }

        mutating func add(_ count: GroupCount, segments: ArraySlice<String>) {
            counts[count.status] += count.count
            guard let first = segments.first else { return }
            let index: Int
            if let known = childIndex[first] {
                index = known
            } else {
                index = children.count
                childIndex[first] = index
                children.append(Builder(name: first, path: path.isEmpty ? first : path + "." + first))
            }
            children[index].add(count, segments: segments.dropFirst())
        }

        var node: DomainNode {
            DomainNode(name: name, path: path, counts: counts, children: children.map(\.node))
        }
    }

    private mutating func sortChildren() {
        for index in children.indices { children[index].sortChildren() }
        children.sort { lhs, rhs in
            let left = lhs.counts.attention, right = rhs.counts.attention
            return left != right ? left > right : lhs.name < rhs.name
        }
    }
}

/// How many workers have each status.
public struct StatusCounts: Sendable, Equatable, Codable {
    public var running = 0
    public var lost = 0
    public var stopped = 0
    public var failed = 0

    /// Creates empty counts.
    public init() {}

    /// The count for one status.
    public subscript(status: WorkerStatus) -> Int {
        get {
            switch status {
            case .running: running
            case .lost: lost
            case .stopped: stopped
            case .failed: failed
            }
        }
        set {
            switch status {
            case .running: running = newValue
            case .lost: lost = newValue
            case .stopped: stopped = newValue
            case .failed: failed = newValue
            }
        }
    }

    /// All workers counted.
    public var total: Int { running + lost + stopped + failed }

    /// The worst status with a worker, if any.
    public var worst: WorkerStatus? {
        WorkerStatus.allCases.filter { self[$0] > 0 }.max()
    }

    /// Sort key: nodes with failed workers first, then lost.
    var attention: Int { (failed > 0 ? 2 : 0) + (lost > 0 ? 1 : 0) }
}
