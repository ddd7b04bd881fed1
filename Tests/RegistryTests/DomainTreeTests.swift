import Registry
import Testing

@Suite("Domain tree")
struct DomainTreeTests {
    @Test("groups split at dots, with counts summed at every node and trouble sorted first")
    func buildsTree() throws {
        let tree = DomainNode.tree(from: [
            GroupCount(group: "product.importer", status: .running, count: 2),
            GroupCount(group: "product.exporter", status: .failed, count: 1),
            GroupCount(group: "price.promotion", status: .running, count: 2),
            GroupCount(group: "billing", status: .lost, count: 1),
        ])
        #expect(tree.counts.total == 6)
        #expect(tree.children.map(\.name) == ["product", "billing", "price"])
        let product = try #require(tree.children.first)
        #expect(product.counts.running == 2)
        #expect(product.counts.failed == 1)
        #expect(product.worstStatus == .failed)
        #expect(product.children.map(\.path) == ["product.exporter", "product.importer"])
        #expect(tree.children[1].worstStatus == .lost)
    }

    @Test("an empty registry is an empty root")
    func empty() {
        let tree = DomainNode.tree(from: [])
        #expect(tree.children.isEmpty)
        #expect(tree.worstStatus == nil)
    }
}
