import Foundation
import Registry

/// One change a stream sends, as a server-sent event: a history entry (a state change, an error, a message) or
/// a problem opened, acknowledged or resolved; or a keep-alive comment.
struct StreamEvent: Sendable {
    /// What a stream can be asked for (`kinds=`).
    enum Kind: String, Sendable, CaseIterable {
        case state, error, message, problem
    }

    let kind: Kind?
    /// The history entry's sequence number: the event's SSE `id`, from which a client resumes (`Last-Event-ID`).
    let sequence: Int64?
    let group: String
    /// The event on the wire.
    let text: String

    /// The keep-alive comment, sent when nothing else was: proxies and clients see the connection is alive.
    static let ping = StreamEvent(kind: nil, sequence: nil, group: "", text: ": ping\n\n")

    /// The event of a history entry; `nil` for an entry a stream does not send (a start that changed nothing).
    init?(_ entry: HistoryEntry) {
        let kind: Kind
        if entry.status != nil {
            kind = .state
        } else if entry.event == .error {
            kind = .error
        } else if entry.event == .message {
            kind = .message
        } else {
            return nil
        }
        self.init(kind: kind, sequence: entry.sequence, group: entry.group, data: entry)
    }

    /// The event of a problem's change.
    init(_ problem: Problem) {
        self.init(kind: .problem, sequence: nil, group: problem.group, data: problem)
    }

    private init(kind: Kind, sequence: Int64?, group: String, data: some Encodable) {
        let json = (try? JSONEncoder.answers.encode(data)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        self.init(kind: kind, sequence: sequence, group: group, text: (sequence.map { "id: \($0)\n" } ?? "") + "event: \(kind.rawValue)\ndata: \(json)\n\n")
    }

    private init(kind: Kind?, sequence: Int64?, group: String, text: String) {
        self.kind = kind
        self.sequence = sequence
        self.group = group
        self.text = text
    }
}
