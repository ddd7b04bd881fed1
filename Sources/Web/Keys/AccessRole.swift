/// What a key may do: `read` (viewers, the CLI), `write` (workers reporting events), `admin` (everything,
/// including deregistering workers).
public enum AccessRole: String, Sendable {
    case read
    case write
    case admin

    /// `true` when a key of this role may use a route that needs `required`.
    public func permits(_ required: AccessRole) -> Bool {
        self == .admin || self == required
    }
}
