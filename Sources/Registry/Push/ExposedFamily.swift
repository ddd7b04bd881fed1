/// A family a running worker pushed, as `/metrics` exposes it.
public struct ExposedFamily: Sendable, Equatable {
    /// The worker that pushed it.
    public var workerID: String
    /// The worker's group.
    public var group: String
    /// The grouping key it was pushed under, as label text.
    public var grouping: String
    /// The family (its `series` is not read back).
    public var family: PushedFamily

    /// Creates an entry.
    public init(workerID: String, group: String, grouping: String, family: PushedFamily) {
        self.workerID = workerID
        self.group = group
        self.grouping = grouping
        self.family = family
    }
}
