import Foundation

/// How long the registry keeps what no longer changes, so that nothing grows without bound.
public struct RetentionPolicy: Sendable, Equatable {
    /// How long stopped, failed and lost workers stay visible, in seconds (default 7 days).
    public var workers: TimeInterval
    /// How long history entries (state changes, messages, errors) are kept, in seconds (default 30 days).
    public var history: TimeInterval
    /// The most history entries kept in all; the oldest go first (default 1,000,000).
    public var historyLimit: Int

    /// Creates a policy.
    public init(workers: TimeInterval = 7 * 86_400, history: TimeInterval = 30 * 86_400, historyLimit: Int = 1_000_000) {
        self.workers = workers
        self.history = history
        self.historyLimit = historyLimit
    }
}

/// What one clean-up removed.
public struct PruneReport: Sendable, Equatable {
    public var workers: Int
    public var historyEntries: Int

    /// Creates a report.
    public init(workers: Int, historyEntries: Int) {
        self.workers = workers
        self.historyEntries = historyEntries
    }
}
