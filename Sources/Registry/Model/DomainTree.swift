/// The domain tree: groups split at their dots (`product` -> `importer`), with counts per status and of
/// open problems at every node.
public struct DomainNode: Sendable, Equatable, Codable {
    /// The last segment of the path (`importer`); empty for the root.
    public var name: String
    /// The full dotted path (`product.importer`); empty for the root.
    public var path: String
    /// Workers at this node and below, per status.
    public var counts: StatusCounts
    /// Open problems at this node and below; the tree is coloured by the unacknowledged ones.
    public var problems: ProblemTally
    /// Child nodes, those with unacknowledged problems first, then by name.
    public var children: [DomainNode]
    /// How many children were left out of ``children`` by a bound (``bounded(_:)``) or a depth (``cut(toDepth:)``).
    public var hiddenChildren = 0

    /// The worst status present at or below this node, if it has any worker.
    public var worstStatus: WorkerStatus? { counts.worst }

    enum CodingKeys: String, CodingKey {
        case name, path, counts, children, problems
        case worstStatus = "worst_status"
        case hiddenChildren = "hidden_children"
    }

    /// Creates a node.
    public init(name: String, path: String, counts: StatusCounts, problems: ProblemTally = ProblemTally(), children: [DomainNode]) {
        self.name = name
        self.path = path
        self.counts = counts
        self.problems = problems
        self.children = children
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        path = try container.decode(String.self, forKey: .path)
        counts = try container.decode(StatusCounts.self, forKey: .counts)
        problems = try container.decodeIfPresent(ProblemTally.self, forKey: .problems) ?? ProblemTally()
        children = try container.decode([DomainNode].self, forKey: .children)
        hiddenChildren = try container.decodeIfPresent(Int.self, forKey: .hiddenChildren) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(path, forKey: .path)
        try container.encode(counts, forKey: .counts)
        try container.encodeIfPresent(worstStatus, forKey: .worstStatus)
        try container.encode(problems, forKey: .problems)
        try container.encode(children, forKey: .children)
        if hiddenChildren > 0 { try container.encode(hiddenChildren, forKey: .hiddenChildren) }
    }

    /// Builds the tree from per-group counts and open problems; a group with problems but no worker (one
    /// expected to run that never reported) gets its node too.
    public static func tree(from counts: [GroupCount], problems: [ProblemCount] = []) -> DomainNode {
        var root = Builder(name: "", path: "")
        // Counts come a row per group and status, a group's rows together: each group is added once.
        var index = counts.startIndex
        while index < counts.endIndex {
            let group = counts[index].group
            var total = StatusCounts()
            while index < counts.endIndex, counts[index].group == group {
                total[counts[index].status] += counts[index].count
                index += 1
            }
            root.add(segments: segments(of: group)) { node in
                for status in WorkerStatus.allCases { node.counts[status] += total[status] }
            }
        }
        for count in problems {
            root.add(segments: segments(of: count.group)) {
                $0.problems.open += count.open
                $0.problems.acknowledged += count.acknowledged
            }
        }
        var tree = root.node
        tree.sortChildren()
        return tree
    }

    /// A group's segments, split at the bytes of its dots: in a group that passed ``Identifiers`` a dot is a character
    /// of its own, so this splits as a split by characters does, without walking grapheme clusters (a quarter of
    /// building a tree of 10,000 groups).
    private static func segments(of group: String) -> ArraySlice<String> {
        group.utf8.split(separator: UInt8(ascii: ".")).map { String(Substring($0)) }[...]
    }

    /// A node under construction, its children indexed by name so that adding a group costs one lookup
    /// per segment however many siblings there are.
    private struct Builder {
        let name: String
        let path: String
        var counts = StatusCounts()
        var problems = ProblemTally()
        var children: [Builder] = []
        var childIndex: [String: Int] = [:]

        init(name: String, path: String) {
            self.name = name
            self.path = path
        }

        /// Applies `change` to this node and every node down to the group of `segments`, creating them as needed.
        mutating func add(segments: ArraySlice<String>, _ change: (inout Builder) -> Void) {
            change(&self)
            guard let first = segments.first else { return }
            let index: Int
            if let known = childIndex[first] {
                index = known
            } else {
                index = children.count
                childIndex[first] = index
                children.append(Builder(name: first, path: path.isEmpty ? first : path + "." + first))
            }
            children[index].add(segments: segments.dropFirst(), change)
        }

        var node: DomainNode {
            DomainNode(name: name, path: path, counts: counts, problems: problems, children: children.map(\.node))
        }
    }

    private mutating func sortChildren() {
        for index in children.indices { children[index].sortChildren() }
        children.sort { lhs, rhs in
            let left = lhs.problems.open > 0, right = rhs.problems.open > 0
            return left != right ? left : lhs.name < rhs.name
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
}

/// Open problems at a node of the tree and below.
public struct ProblemTally: Sendable, Equatable, Codable {
    /// Not acknowledged: these need someone, and colour the node.
    public var open = 0
    public var acknowledged = 0

    /// Creates an empty tally.
    public init() {}
}

extension DomainNode {
    /// The node of a group path (`product.importer`) below this one; `nil` when no worker is there.
    public func node(at path: String) -> DomainNode? {
        var node = self
        for segment in path.split(separator: ".") {
            guard let child = node.children.first(where: { $0.name == segment }) else { return nil }
            node = child
        }
        return node
    }
}
