/// What kind of attention a problem needs.
public enum ProblemKind: String, Codable, CaseIterable, Sendable, Comparable {
    /// A worker's latest run outlived its TTL without a sign of life.
    case lost
    /// A worker's latest run failed (past the expectation's `failures` threshold, when one is set).
    case failed
    /// A group runs fewer workers than its expected minimum (or more than its maximum), but some.
    case degraded
    /// A group that should run workers runs none.
    case down
    /// A scheduled job did not start within its grace after the expected time.
    case late
    /// The next expected start came too, and still no run started.
    case missed
    /// A run lasted longer than its `max_runtime`.
    case overrun

    /// The names accepted in filters, in alphabetical order, for error messages.
    public static let allNames = allCases.map(\.rawValue).sorted().joined(separator: ", ")

    public static func < (lhs: ProblemKind, rhs: ProblemKind) -> Bool { lhs.rawValue < rhs.rawValue }
}
