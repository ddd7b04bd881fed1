import Foundation

/// How events and the sweep change problems, inside their transactions.
extension SQLStore {
    /// Opens or resolves the problems a worker's state change calls for (nothing for a plain heartbeat or a message).
    static func updateProblems(after transition: WorkerTransition, before: Worker?, event: WorkerEvent, _ ledger: inout ProblemLedger) async throws {
        let worker = transition.worker
        var rule = FailureRule.unexpected
        if FailureRule.matters(before: before, after: worker) {
            let connection = ledger.connection, dialect = ledger.sql.dialect
            let expectations = try await connection.rows(ExpectationSQL(dialect: dialect).covering(worker: worker.id, inGroup: worker.group), ExpectationSQL.expectation)
            rule = try await ExpectationIndex(expectations).failureRule(forWorker: worker.id, inGroup: worker.group) { threshold in
                let since = event.at.addingTimeInterval(-threshold.window)
                return try await connection.rows(ProblemSQL(dialect: dialect).failedRuns(ofWorker: worker.id, since: since)) { try $0.int("n") }.first ?? 0
            }
        }
        guard var changes = RunProblems.of(transition, before: before, event: event, now: ledger.now, failureRule: rule) else { return }
        if changes.open?.kind == .failed, event.message == nil {
            // A stop that says nothing but its exit code: the error that ended the run says why.
            let errors = HistoryQuery(workerID: worker.id, events: [.error], limit: Worker.endingErrorWindow)
            let ending = worker.endingError(among: try await ledger.connection.rows(WorkerSQL(dialect: ledger.sql.dialect).history(errors), WorkerSQL.historyEntry))
            if let ending { changes.open?.detail = RunProblems.failureDetail(event, endingError: ending) }
        }
        var ownKinds = changes.resolveKinds
        if changes.startsRun { ownKinds.formUnion([.late, .missed]) }
        try await ledger.resolve(.worker(worker.id), kinds: ownKinds, resolution: changes.resolution)
        if changes.startsRun {
            try await ledger.resolve(Subject.groupAndAncestors(worker.group).map(Subject.group), kinds: [.late, .missed], resolution: "a run started")
        }
        if let problem = changes.open { try await ledger.open(problem) }
    }
}
