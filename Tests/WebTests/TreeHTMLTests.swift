import Registry
import Testing

@testable import Web

@Suite("Domain tree HTML")
struct TreeHTMLTests {
    private func node(
        _ name: String, _ path: String, running: Int = 0, failed: Int = 0, problems: Int = 0, acknowledged: Int = 0, children: [DomainNode] = []
    ) -> DomainNode {
        var counts = StatusCounts()
        counts.running = running
        counts.failed = failed
        var tally = ProblemTally()
        tally.open = problems
        tally.acknowledged = acknowledged
        return DomainNode(name: name, path: path, counts: counts, problems: tally, children: children)
    }

    /// A node's counts: the non-zero ones, each with its word.
    private func counts(_ running: Int, _ lost: Int, _ failed: Int, _ stopped: Int) -> String {
        let shown = [("running", running), ("lost", lost), ("failed", failed), ("stopped", stopped)].filter { $0.1 > 0 }
        return #"<span class="counts">"# + shown.map { #"<span class="\#($0.0)">\#($0.1) \#($0.0)</span>"# }.joined(separator: " ") + "</span>"
    }

    @Test("children left out end their list with how many more, linking to the node, or on its own page to the JSON")
    func moreLines() {
        var jobs = node("<jobs>", "<jobs>", running: 3, children: [node("a", "<jobs>.a", running: 1)])
        jobs.hiddenChildren = 2
        let html = StatusPage.treeHTML([jobs], hiddenTopLevel: 7, selected: nil)
        #expect(html.contains(#"<li class="more"><a href="/?group=%3Cjobs%3E">2 more in &lt;jobs&gt;</a></li>"#))
        #expect(html.hasSuffix(#"<li class="more"><a href="/domains?depth=1">7 more at the top (the whole list, in JSON)</a></li>"# + "\n"))
        let focused = StatusPage.treeHTML([jobs], selected: "<jobs>")
        #expect(focused.contains(#"<li class="more"><a href="/domains?under=%3Cjobs%3E&amp;depth=1">2 more (the whole list, in JSON)</a></li>"#))
        #expect(!focused.contains("at the top"))
    }

    @Test("hostile group names are escaped once, in text and in attributes; links are percent-encoded, then escaped")
    func hostileNames() {
        // A quote followed by a combining mark is one Swift Character, yet a browser still ends an attribute at it.
        let quoted = "\u{FC}\u{202E}\"\u{338}"
        let tree = [
            node("<script>", "<script>", running: 1, failed: 1, problems: 1, children: [
                node("\"q'&amp;", "<script>.\"q'&amp;", failed: 1, problems: 1),
                node(quoted, "<script>." + quoted, running: 1),
            ]),
            node("idle", "idle", acknowledged: 2),
        ]
        let html = StatusPage.treeHTML(tree, selected: "<script>.\"q'&amp;")
        let expected = #"<li class="node"><details open data-path="&lt;script&gt;"><summary tabindex="-1"><a href="/?group=%3Cscript%3E">&lt;script&gt;</a> "#
            + #"<span class="attention open">1 problem</span> \#(counts(1, 0, 1, 0))</summary>"# + "\n<ul>\n"
            + #"<li class="node"><details open data-path="&lt;script&gt;.&quot;q&#39;&amp;amp;"><summary tabindex="-1">"#
            + #"<a href="/?group=%3Cscript%3E.%22q&#39;%26amp%3B" aria-current="page">&quot;q&#39;&amp;amp;</a> "#
            + #"<span class="attention open">1 problem</span> \#(counts(0, 0, 1, 0))</summary></details></li>"# + "\n"
            + #"<li class="node"><details data-path="&lt;script&gt;.\#u{FC}\#u{202E}&quot;\#u{338}"><summary tabindex="-1">"#
            + #"<a href="/?group=%3Cscript%3E.%C3%BC%E2%80%AE%22%CC%B8">\#u{FC}\#u{202E}&quot;\#u{338}</a> "#
            + #"<span class="attention ok">ok</span> \#(counts(1, 0, 0, 0))</summary></details></li>"# + "\n"
            + "</ul></details></li>\n"
            + #"<li class="node"><details open data-path="idle"><summary tabindex="-1"><a href="/?group=idle">idle</a> "#
            + #"<span class="attention acknowledged">2 acknowledged</span> \#(counts(0, 0, 0, 0))</summary></details></li>"# + "\n"
        #expect(html == expected)
        #expect(html.contains(#"<span class="counts"><span class="running">1 running</span> <span class="failed">1 failed</span></span>"#))
    }

    @Test("escaping works on code points and leaves everything but & < > \" ' alone")
    func escaping() {
        var html = ""
        HTMLText.append("a&b<c>d\"e'f \u{1F600} \"\u{301}", to: &html)
        #expect(html == "a&amp;b&lt;c&gt;d&quot;e&#39;f \u{1F600} &quot;\u{301}")
        var plain = "x"
        HTMLText.append("product.team042", to: &plain)
        #expect(plain == "xproduct.team042")
    }
}
