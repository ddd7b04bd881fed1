import Foundation
import Registry

/// One problem change as a message tells it: the change, the problem right after it, and the id receivers drop
/// duplicates by (the outbox's ``ProblemNotification/stableID``, the same on every attempt).
public struct WebhookNotice: Sendable, Equatable {
    /// The id receivers drop duplicates by (`42.opened`).
    public var id: String
    public var change: ProblemChange
    public var problem: Problem

    /// Creates a notice.
    public init(id: String, change: ProblemChange, problem: Problem) {
        self.id = id
        self.change = change
        self.problem = problem
    }

    /// The notice of an outbox notification.
    public init(_ notification: ProblemNotification) {
        self.init(id: notification.stableID, change: notification.change, problem: notification.problem)
    }

    /// The worker the problem is about, `nil` for a group's problem.
    var worker: String? {
        if case .worker(let id) = problem.subject { return id }
        return nil
    }

    /// The server's page about the problem: the worker's page, or the status page of its group.
    func link(base: URL) -> String {
        let root = base.absoluteString.hasSuffix("/") ? String(base.absoluteString.dropLast()) : base.absoluteString
        if let worker { return "\(root)/workers/\(Self.encoded(worker))" }
        return "\(root)/?group=\(Self.encoded(problem.group))"
    }

    /// `failed worker imp-1 (product.importer)` or `down group product.importer`, as sent: not escaped.
    var subjectText: String {
        if let worker { return "\(problem.kind.rawValue) worker \(worker) (\(problem.group))" }
        return "\(problem.kind.rawValue) group \(problem.group)"
    }

    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    private static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
