/// What one batch adds to the group counters: for each counter a worker reported, its growth since the value
/// it reported before, or all of it after a drop (a restart from zero, read as Prometheus' `rate()` reads a
/// reset). So a group's counter never goes down, whichever of its workers restart or vanish.
struct CounterDeltas {
    struct Key: Hashable {
        let group: String
        let name: String
    }

    private(set) var totals: [Key: Double] = [:]

    /// Adds the growth of the counters in `reported`, by a worker of `group` whose previous values are `previous`.
    mutating func add(_ reported: [String: Double], previous: [String: Double], group: String) {
        for (name, value) in reported where WorkerMetric.isCounter(name) {
            let before = previous[name] ?? 0
            let growth = value >= before ? value - before : value
            if growth > 0 { totals[Key(group: group, name: name), default: 0] += growth }
        }
    }
}
