import Foundation

/// A group's counter: what its workers' counter of that name grew by, over the group's retained life.
public struct GroupNumber: Sendable, Equatable {
    public var group: String
    public var name: String
    public var value: Double

    /// Creates an entry.
    public init(group: String, name: String, value: Double) {
        self.group = group
        self.name = name
        self.value = value
    }
}

/// A group's gauge: the latest values its running workers reported under one name.
public struct GroupGauge: Sendable, Equatable {
    public var group: String
    public var name: String
    public var sum: Double
    public var min: Double
    public var max: Double
    /// How many running workers report it.
    public var workers: Int

    /// Creates an entry.
    public init(group: String, name: String, sum: Double, min: Double, max: Double, workers: Int) {
        self.group = group
        self.name = name
        self.sum = sum
        self.min = min
        self.max = max
        self.workers = workers
    }
}

/// The numbers of a selection of groups, each name summed over them (`group` is then empty).
public struct ReportedNumbers: Sendable, Equatable {
    public var gauges: [GroupGauge]
    public var counters: [GroupNumber]

    /// Creates an entry.
    public init(gauges: [GroupGauge], counters: [GroupNumber]) {
        self.gauges = gauges
        self.counters = counters
    }
}

/// A running worker's latest numbers, for the per-worker series.
public struct WorkerNumbers: Sendable, Equatable {
    public var id: String
    public var group: String
    public var metrics: [String: Double]

    /// Creates an entry.
    public init(id: String, group: String, metrics: [String: Double]) {
        self.id = id
        self.group = group
        self.metrics = metrics
    }
}
