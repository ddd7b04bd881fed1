/// What one batch adds to the group counters: for each counter a worker reported, its growth since the value
/// it reported before, or all of it after a drop (a restart from zero, read as Prometheus' `rate()` reads a
/// reset). So a group's counter never goes down, whichever of its workers restart or vanish.
struct CounterDeltas {
    struct Key: Hashable {
        let group: String
        let name: String
    }

    private(set) var totals: [Key: Double] = [:]

    /// Adds the growth of a worker of `group` from its numbers `previous` to its numbers `current` (before and after one event).
    mutating func add(_ current: [String: Double], previous: [String: Double], group: String) {
        for (name, value) in current where WorkerMetric.isCounter(name) && previous[name] != value {
            let before = previous[name] ?? 0
            let growth = value >= before ? value - before : value
            if growth > 0 { totals[Key(group: group, name: name), default: 0] += growth }
        }
    }
}
