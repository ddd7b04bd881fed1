/// What a push is checked against before it is written: the pushing worker's kept series, and the types the
/// running workers push its names with. Read just before the write, not in its transaction: two workers that push
/// a new name with two types at the same moment may both be accepted, and the exposition then shows the first.
public struct PushedState: Sendable, Equatable {
    /// The worker's kept families: grouping key, name and series count.
    public var ownSeries: [Entry]
    /// Per name pushed, the types running workers push it with.
    public var runningTypes: [String: Set<MetricType>]

    /// One kept family of the worker.
    public struct Entry: Sendable, Equatable {
        public var grouping: String
        public var name: String
        public var series: Int

        /// Creates an entry.
        public init(grouping: String, name: String, series: Int) {
            self.grouping = grouping
            self.name = name
            self.series = series
        }
    }

    /// Creates a state.
    public init(ownSeries: [Entry], runningTypes: [String: Set<MetricType>]) {
        self.ownSeries = ownSeries
        self.runningTypes = runningTypes
    }
}

extension MetricPush {
    /// Why the push may not be written, or `nil`: a name pushed with another type than running workers push it
    /// with, or more than `maxSeries` series kept for the worker after it.
    public func refusal(given state: PushedState, maxSeries: Int) -> EventValidationError? {
        for family in families {
            if let other = state.runningTypes[family.name]?.first(where: { $0 != family.type }) {
                return EventValidationError(
                    field: "body",
                    message: "'\(family.name)' is pushed as a \(family.type.rawValue), but running workers push it as a \(other.rawValue); "
                        + "a name keeps its type while it is pushed")
            }
        }
        let pushed = Set(families.map(\.name))
        let kept = state.ownSeries.filter { entry in
            entry.grouping != grouping || (method == .merge && !pushed.contains(entry.name))
        }
        let total = kept.reduce(0) { $0 + $1.series } + families.reduce(0) { $0 + $1.series }
        guard total <= maxSeries else {
            return EventValidationError(field: "body", message: "the worker would keep \(total) pushed series, more than the limit of \(maxSeries)")
        }
        return nil
    }
}
