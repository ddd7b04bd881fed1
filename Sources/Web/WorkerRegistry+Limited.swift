import Registry
import WokmanagerMetrics

extension WorkerRegistry {
    /// Records one event a client sent with `key`, held to the capacity limits: its outcome, or the limit's 422 or
    /// 429 (counted in `wokmanager_events_refused_total`).
    func recordLimited(_ event: WorkerEvent, key: AccessKey?, metrics: ServerMetrics) async throws -> EventOutcome {
        switch try await record([event], by: key.limitName)[0] {
        case .success(let outcome): return outcome
        case .failure(let refusal):
            metrics.recordRefusedEvents(reason: refusal.reason.rawValue)
            throw APIError(refusal)
        }
    }
}

extension Optional<AccessKey> {
    /// The name the capacity limits know a request's key by; requests without one share `""`.
    var limitName: String { self?.name ?? "" }
}
