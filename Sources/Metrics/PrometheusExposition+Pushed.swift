import Registry

extension PrometheusExposition {
    /// The families running workers pushed, each sample with `group`, `worker` and its grouping key's labels added.
    /// A family's rows come together (the store orders them by name); a row whose type differs from the first
    /// row's (two pushes with two types that raced past the check) is left out, so the scrape stays valid.
    static func renderPushed(_ text: inout ExpositionText, _ pushed: [ExposedFamily]) {
        var index = pushed.startIndex
        while index < pushed.endIndex {
            let first = pushed[index].family
            if !first.help.isEmpty { text += "# HELP \(first.name) \(escapeHelp(first.help))\n" }
            text += "# TYPE \(first.name) \(first.type.rawValue)\n"
            while index < pushed.endIndex, pushed[index].family.name == first.name {
                let row = pushed[index]
                index += 1
                guard row.family.type == first.type else { continue }
                let added = "group=\"\(escapeLabelValue(row.group))\",worker=\"\(escapeLabelValue(row.workerID))\",\(row.grouping)"
                for line in row.family.samples.split(separator: "\n") {
                    appendSample(line, adding: added, to: &text)
                }
            }
        }
    }

    /// `line` (`name{labels} value`, braces always there) with `added` put first between its braces.
    private static func appendSample(_ line: Substring, adding added: String, to text: inout ExpositionText) {
        guard let brace = line.firstIndex(of: "{") else { return }
        let rest = line[line.index(after: brace)...]
        text += line[...brace]
        text += added
        if rest.first != "}" { text += "," }
        text += rest
        text += "\n"
    }

    /// Escapes a help text: backslash and line feed.
    private static func escapeHelp(_ help: String) -> String {
        help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}
