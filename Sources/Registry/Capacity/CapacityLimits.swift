/// How much one server keeps, so that one misbehaving client cannot grow `/metrics`, the page and the store
/// without bound (docs/limits.md). Defaults are chosen from the benchmark at the group limit (BENCHMARKS.md).
public struct CapacityLimits: Sendable, Equatable {
    /// Most groups kept (the rows of the tree and the series of `/metrics` grow with them).
    public var groups: Int
    /// Most workers kept, whatever their status.
    public var workers: Int
    /// Most new groups one key may create in a minute (a bucket of this size, refilled evenly over the minute).
    public var newGroupsPerMinute: Int

    /// The documented defaults.
    public static let defaults = CapacityLimits(groups: 10_000, workers: 2_000_000, newGroupsPerMinute: 1_000)

    /// Creates limits.
    public init(groups: Int, workers: Int, newGroupsPerMinute: Int) {
        self.groups = groups
        self.workers = workers
        self.newGroupsPerMinute = newGroupsPerMinute
    }
}

/// How much a server keeps now, against its limits.
public struct CapacityUsage: Sendable, Equatable {
    /// Groups kept.
    public var groups: Int
    /// Workers kept.
    public var workers: Int
    /// The limits they are held to.
    public var limits: CapacityLimits

    /// Creates a usage.
    public init(groups: Int, workers: Int, limits: CapacityLimits) {
        self.groups = groups
        self.workers = workers
        self.limits = limits
    }
}
