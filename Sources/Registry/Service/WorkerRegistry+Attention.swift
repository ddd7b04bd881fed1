import Foundation

/// Problems, expectations and silences, judged by the registry's clock.
extension WorkerRegistry {
    /// Problems matching `query`, open ones first, with the silences muting them now.
    public func problems(_ query: ProblemQuery) async throws -> [Problem] {
        try await store.problems(query, now: clock.now())
    }

    /// One problem; `nil` when unknown.
    public func problem(id: Int64) async throws -> Problem? {
        try await store.problem(id: id, now: clock.now())
    }

    /// Acknowledges an open problem in the name of `by` (a key's name); `nil` when it is not open.
    public func acknowledge(problem id: Int64, by: String, note: String?) async throws -> Problem? {
        try await store.acknowledge(problem: id, Acknowledgement(by: by, at: clock.now(), note: note))
    }

    /// Open problems per group and kind.
    public func openProblemCounts() async throws -> [ProblemCount] {
        try await store.openProblemCounts()
    }

    /// Every expectation.
    public func expectations() async throws -> [Expectation] {
        try await store.expectations()
    }

    /// Declares an expectation through the API, as of now.
    public func setExpectation(_ expectation: Expectation) async throws {
        try await store.setExpectation(expectation)
    }

    /// Removes the API's expectation of `subject`; `false` when there was none.
    public func removeExpectation(_ subject: Subject) async throws -> Bool {
        try await store.removeExpectation(subject)
    }

    /// Active silences (or all kept, with `includeEnded`), newest first.
    public func silences(includeEnded: Bool = false) async throws -> [Silence] {
        try await store.silences(activeAt: includeEnded ? nil : clock.now())
    }

    /// Silences `subject` until `until`, in the name of `author`.
    public func silence(_ subject: Subject, until: Date, note: String?, author: String) async throws -> Silence {
        try await store.addSilence(Silence(subject: subject, until: until, note: note, author: author, createdAt: clock.now()))
    }

    /// Ends a silence now; `false` when no active one has that id.
    public func endSilence(id: Int64) async throws -> Bool {
        try await store.endSilence(id: id, now: clock.now())
    }
}
