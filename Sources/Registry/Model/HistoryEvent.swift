/// What made a history entry: an event a worker reported, or `lost` when the server declared it lost.
public enum HistoryEvent: String, Codable, CaseIterable, Sendable, Comparable {
    case started
    /// Stored only when it changed the worker's state (a lost worker coming back).
    case heartbeat
    case message
    case error
    case stopped
    /// Written by the server when a running worker outlived its TTL.
    case lost

    /// The entry kind of a reported event.
    public init(_ kind: EventKind) {
        switch kind {
        case .started: self = .started
        case .heartbeat: self = .heartbeat
        case .message: self = .message
        case .error: self = .error
        case .stopped: self = .stopped
        }
    }

    /// The names accepted in filters, in alphabetical order, for error messages.
    public static let allNames = allCases.map(\.rawValue).sorted().joined(separator: ", ")

    public static func < (lhs: HistoryEvent, rhs: HistoryEvent) -> Bool { lhs.rawValue < rhs.rawValue }
}
