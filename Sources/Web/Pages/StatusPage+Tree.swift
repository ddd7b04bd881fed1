import Registry

// The domain tree is the largest part of the status page (a node per group, a thousand and more), so it
// is written here rather than through a recursive Mustache partial, whose per-node lookups cost more
// than the rest of the page. Every value from a worker (a group's name and path) goes through
// `HTMLText.append` exactly once; the rest is fixed markup, numbers and status words.

extension StatusPage {
    /// The `<li>` items of the domain tree under the root's `children`, `selected` being the group the
    /// page is filtered to. A node is open when it holds the selection, has unacknowledged problems, or is
    /// at the top. Its badge counts those problems: a failed worker whose problem was acknowledged, or resolved
    /// by `resolve_after`, no longer makes it red. `link` is a node's link, from its path (the page's other filters kept).
    /// A node with a sparkline in `sparklines` (by path) draws it after its counts. A node whose children were not
    /// all kept (``DomainNode/bounded(_:)``) ends its list with how many more; `hiddenTopLevel` top-level nodes left
    /// out end the whole list.
    static func treeHTML(
        _ nodes: [DomainNode], hiddenTopLevel: Int = 0, selected: String?, link: @escaping (String) -> String = PageLinks.group,
        sparklines: [String: String] = [:]
    ) -> String {
        var html = ""
        html.reserveCapacity(400 * nodeCount(nodes))
        let tree = TreeWriter(selected: selected, link: link, sparklines: sparklines)
        for node in nodes { tree.append(node, to: &html) }
        if hiddenTopLevel > 0 {
            html += #"<li class="more"><a href=""#
            HTMLText.append(PageLinks.domains(under: nil), to: &html)
            html += #"">"#
            html += String(hiddenTopLevel)
            html += " more at the top (the whole list, in JSON)</a></li>\n"
        }
        return html
    }

    /// The order of a node's counts, each with its word (not only its colour).
    fileprivate static let countOrder: [WorkerStatus] = [.running, .lost, .failed, .stopped]

    private static func nodeCount(_ nodes: [DomainNode]) -> Int {
        nodes.reduce(nodes.count) { $0 + nodeCount($1.children) }
    }

    private struct TreeWriter {
        let selected: String?
        let link: (String) -> String
        let sparklines: [String: String]

        func append(_ node: DomainNode, to html: inout String) {
            let onSelectedPath = selected.map { $0 == node.path || $0.hasPrefix(node.path + ".") } ?? false
            let top = !node.path.utf8.contains(UInt8(ascii: "."))
            let open = onSelectedPath || node.problems.open > 0 || top
            html += open ? #"<li class="node"><details open data-path=""# : #"<li class="node"><details data-path=""#
            HTMLText.append(node.path, to: &html)
            // The summary is left out of the tab order: a node is one tab stop, its link (app.js folds it with the arrow keys).
            html += #""><summary tabindex="-1"><a href=""#
            HTMLText.append(link(node.path), to: &html)
            html += selected == node.path ? #"" aria-current="page">"# : #"">"#
            HTMLText.append(node.name, to: &html)
            // Plain appends: string interpolation here took a third of the time.
            html += "</a> "
            StatusPage.appendAttention(node.problems, to: &html)
            html += #" <span class="counts">"#
            var first = true
            for status in StatusPage.countOrder where node.counts[status] > 0 {
                html += first ? #"<span class=""# : #" <span class=""#
                first = false
                html += status.rawValue
                html += #"">"#
                html += String(node.counts[status])
                html += " "
                html += status.rawValue
                html += "</span>"
            }
            html += "</span>"
            if let sparkline = sparklines[node.path] { html += sparkline }
            html += "</summary>"
            if !node.children.isEmpty || node.hiddenChildren > 0 {
                html += "\n<ul>\n"
                for child in node.children { append(child, to: &html) }
                if node.hiddenChildren > 0 { StatusPage.appendMore(of: node, selected: selected, link: link, to: &html) }
                html += "</ul>"
            }
            html += "</details></li>\n"
        }
    }

    /// The last item of a node whose children were not all shown: how many more, linking to the node (whose page
    /// shows more of them), or on that page to the whole list in `/domains`.
    fileprivate static func appendMore(of node: DomainNode, selected: String?, link: (String) -> String, to html: inout String) {
        html += #"<li class="more"><a href=""#
        if selected == node.path {
            HTMLText.append(PageLinks.domains(under: node.path), to: &html)
            html += #"">"#
            html += String(node.hiddenChildren)
            html += " more (the whole list, in JSON)</a></li>\n"
        } else {
            HTMLText.append(link(node.path), to: &html)
            html += #"">"#
            html += String(node.hiddenChildren)
            html += " more in "
            HTMLText.append(node.name, to: &html)
            html += "</a></li>\n"
        }
    }

    /// `3 problems` in red, `1 acknowledged` muted, or `ok`.
    fileprivate static func appendAttention(_ problems: ProblemTally, to html: inout String) {
        if problems.open > 0 {
            html += #"<span class="attention open">"#
            html += String(problems.open)
            html += problems.open == 1 ? " problem</span>" : " problems</span>"
        } else if problems.acknowledged > 0 {
            html += #"<span class="attention acknowledged">"#
            html += String(problems.acknowledged)
            html += " acknowledged</span>"
        } else {
            html += #"<span class="attention ok">ok</span>"#
        }
    }
}
