/// A field of an event that a client got wrong, with what was wrong about it.
public struct EventValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field's name as sent on the wire (`id`, `labels.team`, `at`), or `body` for the whole request.
    public var field: String
    /// What was wrong, in words a client can act on.
    public var message: String

    /// Creates an error for `field`.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
