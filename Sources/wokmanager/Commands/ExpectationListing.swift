import Foundation
import Registry

/// An expectation as `GET /expectations` writes it (``ExpectationSpec``'s fields with the subject, its source and
/// since when), read back by the CLI.
struct ExpectationEntry: Codable {
    var group: String?
    var worker: String?
    var minRunning: Int?
    var maxRunning: Int?
    var schedule: String?
    var timeZone: String?
    var every: String?
    var grace: String?
    var maxRuntime: String?
    var resolveAfter: String?
    var failures: String?
    var source: ExpectationSource
    var since: Date

    enum CodingKeys: String, CodingKey {
        case group, worker, schedule, every, grace, failures, source, since
        case minRunning = "min_running"
        case maxRunning = "max_running"
        case timeZone = "time_zone"
        case maxRuntime = "max_runtime"
        case resolveAfter = "resolve_after"
    }

    /// `group product.importer` or `worker imp-1`.
    var subject: String {
        worker.map { "worker " + $0 } ?? "group " + (group ?? "")
    }

    /// The settings it makes, in the order of the API's fields: `min_running 8, schedule 0 2 * * * (UTC), grace 10m`.
    var settings: String {
        let schedule = self.schedule.map { $0 + (timeZone.map { " (\($0))" } ?? "") }
        let named: [(String, String?)] = [
            ("min_running", minRunning.map(String.init)), ("max_running", maxRunning.map(String.init)), ("schedule", schedule),
            ("every", every), ("grace", grace), ("max_runtime", maxRuntime), ("resolve_after", resolveAfter), ("failures", failures),
        ]
        return named.compactMap { name, value in value.map { "\(name) \($0)" } }.joined(separator: ", ")
    }
}

/// The table of `wokmanager expect list`.
enum ExpectationListing {
    static func table(_ expectations: [ExpectationEntry], text: TerminalText) -> String {
        guard !expectations.isEmpty else { return "No expectations." }
        let rows = expectations.map { entry in
            [TerminalText.Cell(entry.subject), .init(entry.settings), .init(entry.source.rawValue), .init(text.ago(entry.since))]
        }
        return text.table(header: ["SUBJECT", "SETTINGS", "SOURCE", "SINCE"], rows: rows)
    }
}
