import Foundation

/// Turns the store's counts per group into one sample per tree node: every group adds to itself, each
/// of its ancestors and the whole tree (`""`).
enum SeriesSampling {
    static func samples(
        at minute: Date, counts: [GroupCount], eventTotals: [String: Int], errorTotals: [String: Int]
    ) -> [SeriesSample] {
        var samples: [String: SeriesSample] = [:]
        func add(to group: String, _ change: (inout SeriesSample) -> Void) {
            for node in nodes(of: group) {
                change(&samples[node, default: SeriesSample(node: node, at: minute, counts: StatusCounts(), eventsTotal: 0, errorsTotal: 0)])
            }
        }
        for count in counts {
            add(to: count.group) { $0.counts[count.status] += count.count }
        }
        for (group, total) in eventTotals {
            add(to: group) { $0.eventsTotal += total }
        }
        for (group, total) in errorTotals {
            add(to: group) { $0.errorsTotal += total }
        }
        return samples.values.sorted { $0.node < $1.node }
    }

    /// `""`, then every prefix of `group` at a dot, ending with `group` itself.
    static func nodes(of group: String) -> [String] {
        var nodes = [""]
        var prefix = ""
        for segment in group.split(separator: ".", omittingEmptySubsequences: false) {
            prefix = prefix.isEmpty ? String(segment) : prefix + "." + segment
            nodes.append(prefix)
        }
        return nodes
    }
}
