import Foundation
import Registry

/// A Slack incoming webhook's `{"text": ...}`: one line per notice, everything a worker sent escaped as Slack
/// requires (`&`, `<`, `>`), so no id, group or detail can make a link or a mention.
enum SlackMessage {
    static func body(notices: [WebhookNotice], pageURL: URL) throws -> Data {
        try JSONEncoder.messages.encode(["text": notices.map { line($0, pageURL: pageURL) }.joined(separator: "\n")])
    }

    /// `:red_circle: failed worker imp-1 (product.importer): disk full — <link|open>`
    static func line(_ notice: WebhookNotice, pageURL: URL) -> String {
        let problem = notice.problem
        var text: String
        switch notice.change {
        case .opened:
            text = ":red_circle: " + escaped(notice.subjectText)
        case .acknowledged:
            text = ":large_yellow_circle: acknowledged by \(escaped(problem.acknowledgement?.by ?? "someone")): " + escaped(notice.subjectText)
            if let note = problem.acknowledgement?.note { text += " “\(escaped(note))”" }
        case .resolved:
            text = ":large_green_circle: resolved: " + escaped(notice.subjectText)
            if let resolution = problem.resolution { text += " (\(escaped(resolution)))" }
        }
        if notice.change != .resolved, let detail = problem.detail { text += ": " + escaped(detail) }
        return text + " — <\(escaped(notice.link(base: pageURL)))|open>"
    }

    /// Slack's three control characters as entities, and line breaks as spaces (one line per notice).
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\n", "\r", "\r\n", "\u{2028}", "\u{2029}": result += " "
            default: result.append(character)
            }
        }
        return result
    }
}
