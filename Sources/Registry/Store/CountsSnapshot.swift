import Foundation

/// The workers per group and status as shown at one moment, and every group kept: what the domain tree, the page's
/// summary and `/metrics` are built from.
public struct CountsSnapshot: Sendable, Equatable {
    /// Workers per group and status, as shown at ``countedAt``, ordered by group.
    public var counts: [GroupCount]
    /// Every group kept, with or without workers, by name.
    public var groups: [String]
    /// The time the counts were judged at.
    public var countedAt: Date

    /// Creates a snapshot.
    public init(counts: [GroupCount], groups: [String], countedAt: Date) {
        self.counts = counts
        self.groups = groups
        self.countedAt = countedAt
    }
}
