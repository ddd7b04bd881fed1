import Registry

/// What a write key limited to some groups may report: only for groups inside them, and only for workers that
/// are not stored in a group outside them (or it could take another team's worker over by its id).
enum WriteScope {
    /// For each event, why `key` may not report it, or `nil` when it may. The stored group is read just before
    /// the write, not in its transaction.
    static func refusals(of events: [WorkerEvent], key: AccessKey?, registry: WorkerRegistry) async throws -> [(field: String, message: String)?] {
        guard let key, let scope = key.scope else { return events.map { _ in nil } }
        let stored = try await registry.groups(ofWorkers: Set(events.map(\.id)))
        return events.map { event in
            if !key.mayReport(for: event.group) {
                return ("group", "the key '\(key.name)' may only report for '\(scope.text)', not '\(event.group)'")
            }
            if let group = stored[event.id], !key.mayReport(for: group) {
                return ("id", "the worker '\(event.id)' is in '\(group)', outside the key's '\(scope.text)'")
            }
            return nil
        }
    }
}
