import Foundation
import Registry

/// Fetching and printing workers for the query commands.
enum WorkerListing {
    /// Every worker matching the filters, following the server's pages.
    static func all(client: APIClient, id: String?, group: String?, statuses: [WorkerStatus]) async throws -> [Worker] {
        var query = [URLQueryItem(name: "limit", value: "1000")]
        if let id { query.append(URLQueryItem(name: "id", value: id)) }
        if let group { query.append(URLQueryItem(name: "group", value: group)) }
        if !statuses.isEmpty { query.append(URLQueryItem(name: "status", value: statuses.map(\.rawValue).joined(separator: ","))) }
        var workers: [Worker] = []
        var cursor: String?
        repeat {
            let page = try await client.get(path("/workers", query + (cursor.map { [URLQueryItem(name: "cursor", value: $0)] } ?? [])), as: PagedWorkers.self)
            workers += page.workers
            cursor = page.nextCursor
        } while cursor != nil
        return workers
    }

    /// `path?query`, percent-encoded (including `+` and `&` inside values).
    static func path(_ path: String, _ query: [URLQueryItem]) -> String {
        var components = URLComponents()
        components.path = path
        components.queryItems = query
        let encoded = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B") ?? ""
        return encoded.isEmpty ? path : path + "?" + encoded
    }

    /// The workers table: id, group, status, last seen, host, and the latest message or, for a failed worker, why
    /// it failed (its exit code and the error in `failures` that ended its run; see ``FailureReasons``).
    static func table(_ workers: [Worker], failures: [String: HistoryEntry] = [:], text: TerminalText) -> String {
        guard !workers.isEmpty else { return "No workers match." }
        let rows = workers.map { worker in
            let failure = worker.status == .failed ? worker.failureReason(endingError: failures[worker.id]) : nil
            return [TerminalText.Cell(worker.id), .init(worker.group), text.status(worker.status), .init(text.ago(worker.lastSeen)),
                    .init(worker.host ?? ""), .init(failure ?? worker.message ?? "")]
        }
        return text.table(header: ["ID", "GROUP", "STATUS", "LAST SEEN", "HOST", "MESSAGE"], rows: rows)
    }

    /// One worker's fields, then its history, errors and messages.
    static func detail(_ detail: WorkerDetail, text: TerminalText) -> String {
        let worker = detail.worker
        var lines = [
            "\(TerminalText.escaped(worker.id))  \(text.word(worker.status))",
            "  group        \(TerminalText.escaped(worker.group))",
            "  last seen    \(text.ago(worker.lastSeen)) (\(RFC3339.format(worker.lastSeen)))",
            "  run started  \(text.ago(worker.runStartedAt))",
        ]
        if let host = worker.host { lines.append("  host         \(TerminalText.escaped(host))" + (worker.pid.map { " (pid \($0))" } ?? "")) }
        if let version = worker.version { lines.append("  version      \(TerminalText.escaped(version))") }
        if let exitCode = worker.exitCode { lines.append("  exit code    \(exitCode)") }
        lines.append("  heartbeats   \(worker.heartbeats)")
        lines.append("  errors       \(worker.errorCount)")
        for (key, value) in worker.labels.sorted(by: { $0.key < $1.key }) {
            lines.append("  label        \(TerminalText.escaped(key))=\(TerminalText.escaped(value))")
        }
        if let message = worker.message { lines.append("  message      \(TerminalText.escaped(message))") }
        let sections: [(String, [HistoryEntry])] = [("History", detail.history), ("Errors", detail.errors), ("Messages", detail.messages)]
        for (title, entries) in sections where !entries.isEmpty {
            lines.append("")
            lines.append(title)
            for entry in entries {
                let what = [entry.status?.rawValue, entry.action, entry.message, entry.late ? "(late)" : nil].compactMap { $0 }
                lines.append("  \(text.ago(entry.at))  \(entry.event.rawValue)  \(TerminalText.escaped(what.joined(separator: " ")))")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// The domain tree as indented lines.
enum TreeListing {
    static func lines(_ node: DomainNode, text: TerminalText, depth: Int = -1) -> [String] {
        var lines: [String] = []
        if depth >= 0 {
            let counts = node.counts
            let worst = node.worstStatus.map { " " + text.word($0) } ?? ""
            lines.append(String(repeating: "  ", count: depth) + TerminalText.escaped(node.name) + worst
                + "  running \(counts.running), lost \(counts.lost), failed \(counts.failed), stopped \(counts.stopped)")
        } else if node.children.isEmpty {
            lines.append("No workers have reported yet.")
        }
        for child in node.children {
            lines += Self.lines(child, text: text, depth: depth + 1)
        }
        return lines
    }
}
