import Foundation
import Registry

/// The problems table of `wokmanager problems`, in the server's order: open ones, then acknowledged, then resolved,
/// each newest first. A problem that needs someone is bold red when colour is on; the rest are dim.
enum ProblemListing {
    static func table(_ problems: [Problem], text: TerminalText) -> String {
        guard !problems.isEmpty else { return "No problems." }
        let rows = problems.map { problem in
            let style: TerminalText.Style = problem.needsAttention ? .alarm : .quiet
            return [String(problem.id), problem.kind.rawValue, problem.subject.name, problem.group, text.ago(problem.openedAt),
                    state(of: problem, text: text), detail(of: problem)]
                .map { TerminalText.Cell($0, style: style) }
        }
        return text.table(header: ["ID", "KIND", "SUBJECT", "GROUP", "SINCE", "STATE", "DETAIL"], rows: rows)
    }

    /// `open`, `acknowledged by alice` or `resolved 5m ago`, then `silenced (#3)` while a silence mutes it.
    static func state(of problem: Problem, text: TerminalText) -> String {
        var state =
            switch (problem.resolvedAt, problem.acknowledgement) {
            case (let resolved?, _): "resolved " + text.ago(resolved)
            case (nil, let acknowledgement?): "acknowledged by " + acknowledgement.by
            case (nil, nil): "open"
            }
        if let silence = problem.silencedBy { state += ", silenced (#\(silence))" }
        return state
    }

    /// What the rules saw, then the acknowledgement's note and why it resolved.
    static func detail(of problem: Problem) -> String {
        [problem.detail, problem.acknowledgement?.note.map { "note: " + $0 }, problem.resolution.map { "resolved: " + $0 }]
            .compactMap { $0 }.joined(separator: "; ")
    }
}
