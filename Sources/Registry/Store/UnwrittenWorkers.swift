/// The workers' records and history entries a transaction of events has applied and not yet written: written
/// together in multi-row statements, the history in the order of the events.
struct UnwrittenWorkers {
    private var workers: [String: Worker] = [:]
    private var entries: [HistoryEntry] = []

    /// Adds what `transition` writes: its worker's record (replacing an earlier one of the same worker) and its entries.
    mutating func add(_ transition: WorkerTransition) {
        workers[transition.worker.id] = transition.worker
        entries += transition.entries
    }

    /// Writes everything added so far (the records in the order of their ids, as the rows are locked) and forgets it.
    mutating func write(_ connection: any SQLConnection, _ sql: WorkerBatchSQL) async throws {
        let records = workers.values.sorted { $0.id < $1.id }
        for statement in sql.upsert(records) + sql.append(entries) { try await connection.run(statement) }
        workers.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
    }
}
