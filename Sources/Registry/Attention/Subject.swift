/// What an expectation, a silence or a problem is about: a group (with everything below it) or one worker.
public enum Subject: Sendable, Hashable, Comparable {
    /// A group path and its subtree (`product` covers `product.importer`).
    case group(String)
    /// One worker id.
    case worker(String)

    /// `group` or `worker`, as the API's paths and the store's `scope` column write it.
    public var scope: String {
        switch self {
        case .group: "group"
        case .worker: "worker"
        }
    }

    /// The group path or the worker id.
    public var name: String {
        switch self {
        case .group(let path), .worker(let path): path
        }
    }

    /// Reads a subject from its scope (`group` or `worker`) and name, checking the name as events are checked.
    public init(scope: String, name: String) throws(EventValidationError) {
        switch scope {
        case "group":
            try Identifiers.validateGroup(name, field: "group")
            self = .group(name)
        case "worker":
            try Identifiers.validateID(name, field: "worker")
            self = .worker(name)
        default:
            throw EventValidationError(field: "scope", message: "must be 'group' or 'worker', not '\(EscapedText.escaped(scope))'")
        }
    }

    /// `true` when this subject covers a worker `id` in `group`: the worker itself, or a group at or above its group.
    public func covers(worker id: String, inGroup group: String) -> Bool {
        switch self {
        case .worker(let worker): worker == id
        case .group(let path): Self.group(path, contains: group)
        }
    }

    /// `true` when `group` is `path` or below it (`product` contains `product.importer`, not `products`): the
    /// subtree rule of ``GroupFilter``, which compares code points as the store's SQL does.
    public static func group(_ path: String, contains group: String) -> Bool {
        GroupFilter.subtree(path).matches(group)
    }

    /// `product.importer` and its ancestors, nearest first: `product.importer`, `product`.
    public static func groupAndAncestors(_ group: String) -> [String] {
        var paths = [group]
        var path = Substring(group)
        while let dot = path.lastIndex(of: ".") {
            path = path[..<dot]
            paths.append(String(path))
        }
        return paths
    }

    public static func < (lhs: Subject, rhs: Subject) -> Bool { (lhs.scope, lhs.name) < (rhs.scope, rhs.name) }
}

extension Subject {
    /// `true` when this subject covers `problem`: a worker's problem by its id or its group, a group's problem by its group.
    public func covers(_ problem: Problem) -> Bool {
        switch problem.subject {
        case .worker(let id): covers(worker: id, inGroup: problem.group)
        case .group(let path): if case .group(let mine) = self { Self.group(mine, contains: path) } else { false }
        }
    }
}
