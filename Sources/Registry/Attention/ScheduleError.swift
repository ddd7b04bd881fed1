/// A schedule that could not be read, with the field and what was wrong with it.
public struct ScheduleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, in words a person can act on: `minute field '61': must be 0-59`.
    public var message: String

    /// Creates an error saying `message`.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
