import Registry
import Testing

@Suite("Domain tree")
struct DomainTreeTests {
    @Test("groups split at dots, with counts summed at every node and groups with open problems sorted first")
    func buildsTree() throws {
        let tree = DomainNode.tree(
            from: [
                GroupCount(group: "product.importer", status: .running, count: 2),
                GroupCount(group: "product.exporter", status: .failed, count: 1),
                GroupCount(group: "price.promotion", status: .running, count: 2),
                GroupCount(group: "billing", status: .lost, count: 1),
            ],
            problems: [
                ProblemCount(group: "product.exporter", kind: .failed, open: 1, acknowledged: 0),
                ProblemCount(group: "billing", kind: .lost, open: 0, acknowledged: 1),
            ])
        #expect(tree.counts.total == 6)
        #expect(tree.children.map(\.name) == ["product", "billing", "price"], "billing's only problem is acknowledged: it sorts by name")
        #expect(tree.problems.open == 1 && tree.problems.acknowledged == 1)
        let product = try #require(tree.children.first)
        #expect(product.counts.running == 2)
        #expect(product.counts.failed == 1)
        #expect(product.worstStatus == .failed)
        #expect(product.children.map(\.path) == ["product.exporter", "product.importer"])
        #expect(product.children.first?.problems.open == 1)
        #expect(tree.children[1].worstStatus == .lost)
    }

    @Test("a group with a problem and no worker (expected, never reported) gets its node")
    func problemWithoutWorkers() throws {
        let tree = DomainNode.tree(from: [], problems: [ProblemCount(group: "jobs.nightly", kind: .down, open: 1, acknowledged: 0)])
        let node = try #require(tree.node(at: "jobs.nightly"))
        #expect(node.problems.open == 1 && node.counts.total == 0)
        #expect(tree.node(at: "jobs.other") == nil)
    }

    @Test("an empty registry is an empty root")
    func empty() {
        let tree = DomainNode.tree(from: [])
        #expect(tree.children.isEmpty)
        #expect(tree.worstStatus == nil)
    }
}
