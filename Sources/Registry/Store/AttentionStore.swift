import Foundation

/// Durable problems, expectations and silences. ``SQLStore`` keeps them in the same database as the workers,
/// so a problem opens or resolves in the transaction of the state change that caused it.
public protocol AttentionStore: AnyObject, Sendable {
    /// Problems matching `query`, open ones first (unacknowledged before acknowledged), newest first, with the silences muting them at `now`.
    func problems(_ query: ProblemQuery, now: Date) async throws -> [Problem]
    /// One problem with its silence at `now`; `nil` when there is none with that id.
    func problem(id: Int64, now: Date) async throws -> Problem?
    /// Acknowledges an open problem (again: changes its note); `nil` when it is not open.
    func acknowledge(problem id: Int64, _ acknowledgement: Acknowledgement) async throws -> Problem?
    /// Open problems per group and kind, acknowledged or not.
    func openProblemCounts() async throws -> [ProblemCount]

    /// Every expectation, by scope and subject.
    func expectations() async throws -> [Expectation]
    /// Declares `expectation` through the API; throws ``AttentionError`` when the file manages its subject.
    func setExpectation(_ expectation: Expectation) async throws
    /// Removes the API's expectation of `subject`; `false` when there was none; throws when the file manages it.
    func removeExpectation(_ subject: Subject) async throws -> Bool
    /// Replaces every expectation of the file with `expectations` in one transaction (those the API declared stay,
    /// except where the file now names the same subject: the file wins).
    func replaceFileExpectations(_ expectations: [Expectation]) async throws

    /// Silences, newest first: only those active at `now`, or all kept when `now` is `nil`.
    func silences(activeAt now: Date?) async throws -> [Silence]
    /// Adds a silence and returns it with its id.
    func addSilence(_ silence: Silence) async throws -> Silence
    /// Ends a silence at `now`; `false` when there is no active one with that id.
    func endSilence(id: Int64, now: Date) async throws -> Bool

    /// Opens and resolves what expectations call for now (`degraded`, `down`, `late`, `missed`, `overrun`), and
    /// resolves the ephemeral workers' problems past `resolve_after`; returns how many problems changed.
    func checkExpectations(liveness: Liveness) async throws -> Int
}

/// Open problems of one kind in one group.
public struct ProblemCount: Sendable, Equatable {
    public var group: String
    public var kind: ProblemKind
    /// Not acknowledged: these need someone.
    public var open: Int
    public var acknowledged: Int

    /// Creates a count.
    public init(group: String, kind: ProblemKind, open: Int, acknowledged: Int) {
        self.group = group
        self.kind = kind
        self.open = open
        self.acknowledged = acknowledged
    }
}

/// A request the attention rules refuse, as opposed to a storage failure.
public struct AttentionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was refused and why, for the client.
    public let message: String

    /// The expectations file manages this subject; change the file instead.
    public static func managedByFile(_ subject: Subject) -> AttentionError {
        AttentionError(message: "the expectation of \(subject.scope) '\(subject.name)' comes from the expectations file; change it there")
    }

    public var description: String { message }
}
