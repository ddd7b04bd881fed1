/// Why an event may not be kept: a limit of ``CapacityLimits`` it would pass.
public struct CapacityRefusal: Error, Sendable, Equatable {
    /// Which limit.
    public enum Reason: String, Sendable, CaseIterable {
        /// The event would create a group past ``CapacityLimits/groups``.
        case groupLimit = "group_limit"
        /// The event would create a worker past ``CapacityLimits/workers``.
        case workerLimit = "worker_limit"
        /// The event's key created ``CapacityLimits/newGroupsPerMinute`` groups in the last minute.
        case newGroupRate = "new_group_rate"
    }

    /// Which limit refused the event.
    public var reason: Reason
    /// The event's field the limit is about: `group` or `id`.
    public var field: String
    /// What was refused and why, naming the setting that raises the limit.
    public var message: String
    /// What the client may do instead, when the group looks like it holds an id (see ``IDLikeSegment``).
    public var hint: String?
    /// For ``Reason/newGroupRate``: seconds until the key may create a group again.
    public var retryAfter: Int?

    /// Creates a refusal.
    public init(reason: Reason, field: String, message: String, hint: String? = nil, retryAfter: Int? = nil) {
        self.reason = reason
        self.field = field
        self.message = message
        self.hint = hint
        self.retryAfter = retryAfter
    }
}
