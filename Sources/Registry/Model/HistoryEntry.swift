import Foundation

/// One stored entry of a worker's history: a state change, a message or an error.
///
/// Heartbeats are not stored unless they change the worker's state (a lost worker coming back).
public struct HistoryEntry: Sendable, Equatable, Codable {
    /// Increasing position in the store; later entries have larger numbers.
    public var sequence: Int64
    public var workerID: String
    public var group: String
    /// The event that made this entry, or `lost` when the server declared the worker lost.
    public var event: HistoryEvent
    /// The status the worker moved to, when the entry changed it.
    public var status: WorkerStatus?
    /// When it happened (the worker's `at`, or the TTL deadline for `lost`).
    public var at: Date
    /// When the server received it.
    public var receivedAt: Date
    public var message: String?
    public var action: String?
    public var exitCode: Int?
    /// `true` when the event arrived older than the worker's latest state change, so it did not move the state.
    public var late: Bool

    enum CodingKeys: String, CodingKey {
        case sequence, group, event, status, at, message, action, late
        case workerID = "worker_id"
        case receivedAt = "received_at"
        case exitCode = "exit_code"
    }

    /// The entry recording that `worker` was lost at its deadline.
    init(lostWorker worker: Worker, at deadline: Date, receivedAt: Date) {
        self.init(workerID: worker.id, group: worker.group, event: .lost, status: .lost, at: deadline, receivedAt: receivedAt)
    }

    /// Creates an entry; the store assigns ``sequence`` when it saves it.
    public init(
        sequence: Int64 = 0, workerID: String, group: String, event: HistoryEvent, status: WorkerStatus?, at: Date,
        receivedAt: Date, message: String? = nil, action: String? = nil, exitCode: Int? = nil, late: Bool = false
    ) {
        self.sequence = sequence
        self.workerID = workerID
        self.group = group
        self.event = event
        self.status = status
        self.at = at
        self.receivedAt = receivedAt
        self.message = message
        self.action = action
        self.exitCode = exitCode
        self.late = late
    }
}
