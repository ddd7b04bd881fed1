import Registry

// What keeps `/metrics` bounded by the group limit (docs/limits.md): every series but the per-worker ones is
// per group and of a fixed set of statuses, kinds and (at most ``Limits/metricCount`` of each type) reported
// names; `--metrics-depth` folds deeper groups into their ancestor for fewer still.

extension MetricsSnapshot {
    /// This snapshot with every group deeper than `depth` segments reported as its ancestor at `depth`: counts,
    /// errors, problems and counters added up, gauges combined (sum added, lowest of the lowest, highest of the
    /// highest). Expectations stay as declared (their number is the operator's, not the workers').
    func folded(toDepth depth: Int) -> MetricsSnapshot {
        let fold = { (group: String) in Self.ancestor(of: group, atDepth: depth) }
        var folded = self
        folded.groupCounts = groupCounts.map { GroupCount(group: fold($0.group), status: $0.status, count: $0.count) }
        folded.groups = Array(Set(groups.map(fold)))
        folded.errorTotals = Dictionary(errorTotals.map { (fold($0.key), $0.value) }, uniquingKeysWith: +)
        folded.workers = workers.map { WorkerLastSeen(id: $0.id, group: fold($0.group), lastSeen: $0.lastSeen) }
        folded.workerNumbers = workerNumbers.map { WorkerNumbers(id: $0.id, group: fold($0.group), metrics: $0.metrics) }
        folded.pushed = pushed.map { var row = $0; row.group = fold(row.group); return row }

        var problemTotals: [Pair: ProblemCount] = [:]
        for count in problems {
            let group = fold(count.group)
            problemTotals[Pair(group, count.kind.rawValue), default: ProblemCount(group: group, kind: count.kind, open: 0, acknowledged: 0)].add(count)
        }
        folded.problems = problemTotals.sorted { $0.key < $1.key }.map(\.value)
        var gauges: [Pair: GroupGauge] = [:]
        for gauge in groupGauges {
            let key = Pair(fold(gauge.group), gauge.name)
            if let seen = gauges[key] {
                gauges[key] = GroupGauge(
                    group: key.group, name: key.name, sum: seen.sum + gauge.sum, min: Swift.min(seen.min, gauge.min), max: Swift.max(seen.max, gauge.max),
                    workers: seen.workers + gauge.workers)
            } else {
                gauges[key] = GroupGauge(group: key.group, name: key.name, sum: gauge.sum, min: gauge.min, max: gauge.max, workers: gauge.workers)
            }
        }
        folded.groupGauges = gauges.sorted { $0.key < $1.key }.map(\.value)
        let counters = Dictionary(groupCounters.map { (Pair(fold($0.group), $0.name), $0.value) }, uniquingKeysWith: +)
        folded.groupCounters = counters.sorted { $0.key < $1.key }.map { GroupNumber(group: $0.key.group, name: $0.key.name, value: $0.value) }
        return folded
    }

    /// This snapshot with at most `limit` gauge names and `limit` counter names per group (the first by name):
    /// each worker keeps ``Limits/metricCount`` names, but workers of one group could use different ones.
    func boundingNames(perGroup limit: Int) -> MetricsSnapshot {
        var bounded = self
        bounded.groupGauges = Self.firstNames(groupGauges, limit: limit, group: \.group, name: \.name)
        bounded.groupCounters = Self.firstNames(groupCounters, limit: limit, group: \.group, name: \.name)
        return bounded
    }

    /// `group` cut after its `depth`-th segment (`a.b.c` at depth 2 is `a.b`).
    static func ancestor(of group: String, atDepth depth: Int) -> String {
        var dots = 0
        for index in group.utf8.indices where group.utf8[index] == UInt8(ascii: ".") {
            dots += 1
            if dots == depth { return String(group[..<index]) }
        }
        return group
    }

    private static func firstNames<Row>(_ rows: [Row], limit: Int, group: KeyPath<Row, String>, name: KeyPath<Row, String>) -> [Row] {
        var names: [String: Set<String>] = [:]
        for row in rows { names[row[keyPath: group], default: []].insert(row[keyPath: name]) }
        guard names.values.contains(where: { $0.count > limit }) else { return rows }
        let kept = names.mapValues { Set($0.sorted().prefix(limit)) }
        return rows.filter { kept[$0[keyPath: group]]?.contains($0[keyPath: name]) ?? false }
    }

    /// A group and a name (or a kind), ordered by group then name.
    private struct Pair: Hashable, Comparable {
        let group: String
        let name: String

        init(_ group: String, _ name: String) {
            self.group = group
            self.name = name
        }

        static func < (lhs: Pair, rhs: Pair) -> Bool { (lhs.group, lhs.name) < (rhs.group, rhs.name) }
    }
}

private extension ProblemCount {
    mutating func add(_ other: ProblemCount) {
        open += other.open
        acknowledged += other.acknowledged
    }
}
