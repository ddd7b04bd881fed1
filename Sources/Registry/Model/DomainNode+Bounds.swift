/// How much of a domain tree is shown at once, so that a tree of ten thousand groups stays a page.
public struct TreeBounds: Sendable, Equatable {
    /// Most children shown under one node.
    public var childrenPerNode: Int
    /// Most children shown under the node in ``focus``, on top of ``nodes``.
    public var focusedChildren: Int
    /// Most nodes shown in all, nearest the root first (the focused node's children aside).
    public var nodes: Int
    /// The path of the node looked at (the page's group), which is always shown with its ancestors; `nil` for none.
    public var focus: String?

    /// Creates bounds.
    public init(childrenPerNode: Int, focusedChildren: Int, nodes: Int, focus: String? = nil) {
        self.childrenPerNode = childrenPerNode
        self.focusedChildren = focusedChildren
        self.nodes = nodes
        self.focus = focus
    }
}

extension DomainNode {
    /// This tree within `bounds`: level by level from the root, each node keeps its children with unacknowledged
    /// problems first, then those with lost or failed workers, then the largest, while the budget lasts; the rest
    /// are counted in ``hiddenChildren``. Kept children stay in the tree's order.
    public func bounded(_ bounds: TreeBounds) -> DomainNode {
        var kept: Set<String> = []
        var remaining = bounds.nodes
        var level: [DomainNode] = [self]
        while !level.isEmpty {
            var next: [DomainNode] = []
            for node in level {
                let focused = node.path == bounds.focus
                let allowance = focused ? bounds.focusedChildren : min(bounds.childrenPerNode, max(remaining, 0))
                var chosen = node.children.count <= allowance ? node.children : Array(node.children.sorted(by: Self.shownFirst).prefix(allowance))
                if let focus = bounds.focus, !focused,
                   let onPath = node.children.first(where: { focus == $0.path || focus.hasPrefix($0.path + ".") }),
                   !chosen.contains(where: { $0.path == onPath.path }) {
                    chosen.append(onPath)
                }
                if !focused { remaining -= chosen.count }
                for child in chosen { kept.insert(child.path) }
                next += chosen
            }
            level = next
        }
        return keeping(kept)
    }

    /// This node with its descendants `depth` levels down and no further (0 keeps the node alone); the children
    /// cut are counted in ``hiddenChildren``.
    public func cut(toDepth depth: Int) -> DomainNode {
        var node = self
        if depth <= 0 {
            node.hiddenChildren += node.children.count
            node.children = []
        } else {
            node.children = children.map { $0.cut(toDepth: depth - 1) }
        }
        return node
    }

    private func keeping(_ kept: Set<String>) -> DomainNode {
        var node = self
        node.children = children.filter { kept.contains($0.path) }.map { $0.keeping(kept) }
        node.hiddenChildren += children.count - node.children.count
        return node
    }

    /// Unacknowledged problems first, then lost or failed workers, then more workers, then by name.
    private static func shownFirst(_ lhs: DomainNode, _ rhs: DomainNode) -> Bool {
        let left = (lhs.problems.open > 0, lhs.counts.lost + lhs.counts.failed > 0, lhs.counts.total)
        let right = (rhs.problems.open > 0, rhs.counts.lost + rhs.counts.failed > 0, rhs.counts.total)
        if left.0 != right.0 { return left.0 }
        if left.1 != right.1 { return left.1 }
        if left.2 != right.2 { return left.2 > right.2 }
        return lhs.name < rhs.name
    }
}
