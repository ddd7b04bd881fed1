import Registry
import Testing

@Suite("Tree bounds")
struct TreeBoundsTests {
    /// `jobs` with `runs` children of one running worker each, one of them failed, and `team.importer`.
    private func tree(runs: Int) -> DomainNode {
        var counts = (0..<runs).map { GroupCount(group: "jobs.run\(1000 + $0)", status: .running, count: 1) }
        counts.append(GroupCount(group: "jobs.run1500", status: .failed, count: 1))
        counts.append(GroupCount(group: "jobs.run1200", status: .running, count: 5))
        counts.append(GroupCount(group: "team.importer", status: .running, count: 1))
        return DomainNode.tree(from: counts)
    }

    @Test("a node keeps its troubled and largest children within the bound, in the tree's order, and counts the rest")
    func childrenPerNode() throws {
        let bounded = tree(runs: 1000).bounded(TreeBounds(childrenPerNode: 3, focusedChildren: 10, nodes: 100))
        let jobs = try #require(bounded.children.first { $0.name == "jobs" })
        #expect(jobs.children.map(\.name) == ["run1000", "run1200", "run1500"])
        #expect(jobs.hiddenChildren == 997)
        #expect(jobs.counts.total == 1006, "counts are still of the whole subtree")
        #expect(bounded.children.map(\.name) == ["jobs", "team"])
    }

    @Test("the focused node shows more children, and the path to it is always shown")
    func focus() throws {
        let bounded = tree(runs: 1000).bounded(TreeBounds(childrenPerNode: 3, focusedChildren: 10, nodes: 100, focus: "jobs"))
        #expect(bounded.node(at: "jobs")?.children.count == 10)
        #expect(bounded.node(at: "jobs")?.hiddenChildren == 990)
        let deep = tree(runs: 1000).bounded(TreeBounds(childrenPerNode: 3, focusedChildren: 10, nodes: 100, focus: "jobs.run1777"))
        #expect(deep.node(at: "jobs.run1777") != nil)
        #expect(deep.node(at: "jobs")?.children.count == 4)
    }

    @Test("the nodes in all are bounded, nearest the root first")
    func totalBudget() {
        let counts = (0..<30).flatMap { top in (0..<30).map { GroupCount(group: "t\(top).c\($0)", status: .running, count: 1) } }
        let bounded = DomainNode.tree(from: counts).bounded(TreeBounds(childrenPerNode: 30, focusedChildren: 30, nodes: 100))
        func count(_ node: DomainNode) -> Int { node.children.reduce(node.children.count) { $0 + count($1) } }
        #expect(count(bounded) == 100)
        #expect(bounded.children.count == 30)
        #expect(bounded.children.reduce(0) { $0 + $1.hiddenChildren } == 900 - 70)
    }

    @Test("a cut keeps the levels asked for and counts the children left out")
    func cut() throws {
        let tree = tree(runs: 5)
        #expect(tree.cut(toDepth: 0).children.isEmpty && tree.cut(toDepth: 0).hiddenChildren == 2)
        let one = tree.cut(toDepth: 1)
        #expect(one.children.map(\.name) == ["jobs", "team"])
        #expect(one.children.map(\.hiddenChildren) == [7, 1])
        #expect(try #require(tree.node(at: "jobs")).cut(toDepth: 1).children.count == 7)
    }
}
