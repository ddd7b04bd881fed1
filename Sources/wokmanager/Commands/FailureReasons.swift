import Foundation
import Registry

/// Why failed workers failed, for the MESSAGE column of `wokmanager workers` (``Worker/failureReason(endingError:)``):
/// the exit code of the stop and the error that ended the run (``Worker/endingError(among:)``), asked of `GET /errors`.
enum FailureReasons {
    /// Requests in flight at once while asking for the errors of many failed workers.
    static let concurrentRequests = 8

    /// The error that ended the run of each failed worker in `workers`, by id; none for a run without errors.
    static func errors(of workers: [Worker], client: APIClient) async throws -> [String: HistoryEntry] {
        var waiting = workers.filter { $0.status == .failed }[...]
        return try await withThrowingTaskGroup(of: (String, HistoryEntry?).self) { group in
            func askNext() {
                guard let worker = waiting.popFirst() else { return }
                // A reason that cannot be fetched leaves the worker's own message: the listing stands.
                group.addTask { (worker.id, try? await endingError(of: worker, client: client)) }
            }
            for _ in 0..<concurrentRequests { askNext() }
            var found: [String: HistoryEntry] = [:]
            while let (id, error) = try await group.next() {
                found[id] = error
                askNext()
            }
            return found
        }
    }

    private struct Answer: Decodable { let errors: [HistoryEntry] }

    private static func endingError(of worker: Worker, client: APIClient) async throws -> HistoryEntry? {
        let path = WorkerListing.path(
            "/errors", [URLQueryItem(name: "worker", value: worker.id), URLQueryItem(name: "limit", value: String(Worker.endingErrorWindow))])
        return worker.endingError(among: try await client.get(path, as: Answer.self).errors)
    }
}
