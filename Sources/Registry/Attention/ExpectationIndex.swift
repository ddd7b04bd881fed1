/// Expectations by subject, answering "which one judges this worker?": each setting comes from the nearest
/// expectation that sets it — the worker's own, then its group's, then the groups above, nearest first.
struct ExpectationIndex {
    private var bySubject: [Subject: Expectation] = [:]

    init(_ expectations: [Expectation]) {
        for expectation in expectations { bySubject[expectation.subject] = expectation }
    }

    /// The nearest expectation covering a worker `id` in `group` for which `sets` holds.
    func nearest(toWorker id: String, inGroup group: String, setting sets: (Expectation) -> Bool) -> Expectation? {
        if let own = bySubject[.worker(id)], sets(own) { return own }
        for path in Subject.groupAndAncestors(group) {
            if let expectation = bySubject[.group(path)], sets(expectation) { return expectation }
        }
        return nil
    }

    /// How the failures of a worker `id` in `group` are judged, given how many runs it failed within the
    /// threshold's window (asked only when a threshold applies).
    func failureRule(forWorker id: String, inGroup group: String, failedRuns: (FailureThreshold) async throws -> Int) async rethrows -> FailureRule {
        let hasSchedule = nearest(toWorker: id, inGroup: group) { $0.schedule != nil } != nil
        guard let threshold = nearest(toWorker: id, inGroup: group, setting: { $0.failures != nil })?.failures else {
            return FailureRule(opensProblem: true, hasSchedule: hasSchedule)
        }
        return FailureRule(opensProblem: try await failedRuns(threshold) >= threshold.count, hasSchedule: hasSchedule)
    }
}
