import Foundation
import Mustache
import Registry

extension StatusPage {
    /// Problems listed at the top of the page.
    static let problemCount = 50

    /// One problem as the page lists it, with the commands that act on it (the page's own buttons need a
    /// signed-in browser, which comes with the page's sign-in).
    struct ProblemLine: Sendable {
        let id: Int64
        let kind: String
        let subject: String
        let subjectLink: String
        let group: String
        let groupLink: String
        let since: PageTime
        let detail: String?
        /// `open` or `acknowledged`.
        let state: String
        /// Not acknowledged yet: an admin can acknowledge it from the page.
        let open: Bool
        let acknowledgedBy: String?
        let note: String?
        let silenced: Bool
        let ackCommand: String
        let silenceCommand: String
    }

    static func problemLine(_ problem: Problem, now: Date) -> ProblemLine {
        let subjectLink: String, silenceTarget: String
        switch problem.subject {
        case .worker(let id):
            subjectLink = PageLinks.worker(id)
            silenceTarget = "--worker " + shellQuoted(id)
        case .group(let path):
            subjectLink = PageLinks.group(path)
            silenceTarget = "--group " + shellQuoted(path)
        }
        return ProblemLine(
            id: problem.id, kind: problem.kind.rawValue, subject: problem.subject.name, subjectLink: subjectLink, group: problem.group,
            groupLink: PageLinks.group(problem.group), since: PageTime(problem.openedAt, now: now), detail: problem.detail,
            state: problem.state.rawValue, open: problem.acknowledgement == nil, acknowledgedBy: problem.acknowledgement?.by, note: problem.acknowledgement?.note,
            silenced: problem.silencedBy != nil, ackCommand: "wokmanager ack \(problem.id) --note '...'",
            silenceCommand: "wokmanager silence add \(silenceTarget) --for 2h --note '...'")
    }

    /// An active silence, with the command that ends it.
    struct SilenceLine: Sendable {
        let id: Int64
        let subject: String
        let scope: String
        let until: PageTime
        let note: String?
        let author: String
        let endCommand: String
    }

    static func silenceLine(_ silence: Silence, now: Date) -> SilenceLine {
        SilenceLine(
            id: silence.id, subject: silence.subject.name, scope: silence.subject.scope, until: PageTime(silence.until, now: now),
            note: silence.note, author: silence.author, endCommand: "wokmanager silence end \(silence.id)")
    }

    /// `text` in single quotes for a POSIX shell.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}

extension StatusPage.SilenceLine: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "id": id
        case "subject": subject
        case "scope": scope
        case "until": until
        case "note": note
        case "author": author
        case "endCommand": endCommand
        default: nil
        }
    }
}

extension StatusPage.ProblemLine: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "id": id
        case "kind": kind
        case "subject": subject
        case "subjectLink": subjectLink
        case "group": group
        case "groupLink": groupLink
        case "since": since
        case "detail": detail
        case "state": state
        case "open": open
        case "acknowledgedBy": acknowledgedBy
        case "note": note
        case "silenced": silenced
        case "ackCommand": ackCommand
        case "silenceCommand": silenceCommand
        default: nil
        }
    }
}
