import Foundation
import Registry

/// Renders what the registry holds in the Prometheus text exposition format 0.0.4.
///
/// These series are computed from the store at each scrape (one query), so every replica reports the
/// same numbers and counters never go backwards across restarts.
public enum PrometheusExposition {
    /// The `Content-Type` of the rendered text.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// All registry series: workers per group and status, running workers per group, event and error
    /// counters, and (when the snapshot has them) each worker's last-seen time.
    ///
    /// Every retained group gets every status, zeros included, so a series drops to 0 instead of vanishing.
    public static func render(_ snapshot: MetricsSnapshot) -> String {
        var perGroup: [String: StatusCounts] = Dictionary(uniqueKeysWithValues: snapshot.groups.map { ($0, StatusCounts()) })
        for count in snapshot.groupCounts {
            perGroup[count.group, default: StatusCounts()][count.status] += count.count
        }
        let groups = perGroup.keys.sorted()
        // Each group's label is escaped once and reused by its seven samples.
        let groupLabels = groups.map { "group=\"\(escapeLabelValue($0))\"" }
        var text = ""
        text.reserveCapacity(1024 + groups.count * (7 * 64 + 8 * (groupLabels.first?.utf8.count ?? 0)))
        family(&text, "wokmanager_workers_running", "gauge", "Workers running now, per group.")
        for (group, label) in zip(groups, groupLabels) {
            sample(&text, "wokmanager_workers_running", label, perGroup[group]!.running)
        }
        family(&text, "wokmanager_workers", "gauge", "Workers per group and status (running, lost, stopped, failed).")
        for (group, label) in zip(groups, groupLabels) {
            let counts = perGroup[group]!
            for status in WorkerStatus.allCases {
                sample(&text, "wokmanager_workers", label + ",status=\"\(status.rawValue)\"", counts[status])
            }
        }
        family(&text, "wokmanager_events_total", "counter", "Events received, per event.")
        for event in EventKind.allCases {
            sample(&text, "wokmanager_events_total", "event=\"\(event.rawValue)\"", snapshot.eventTotals[event.rawValue] ?? 0)
        }
        family(&text, "wokmanager_worker_errors_total", "counter", "Errors reported by workers, per group.")
        for (group, label) in zip(groups, groupLabels) {
            sample(&text, "wokmanager_worker_errors_total", label, snapshot.errorTotals[group] ?? 0)
        }
        renderAttention(&text, snapshot)
        if !snapshot.workers.isEmpty {
            family(&text, "wokmanager_worker_last_seen_timestamp_seconds", "gauge", "When each worker was last seen, in Unix seconds.")
            for worker in snapshot.workers {
                text += "wokmanager_worker_last_seen_timestamp_seconds{id=\"\(escapeLabelValue(worker.id))\",group=\"\(escapeLabelValue(worker.group))\"} "
                text += String(format: "%.3f", worker.lastSeen.timeIntervalSince1970) + "\n"
            }
        }
        return text
    }

    /// Open problems per group, kind and state (only those there are: an alert on them resolves when the series goes),
    /// and the expected running counts per subject.
    private static func renderAttention(_ text: inout String, _ snapshot: MetricsSnapshot) {
        family(&text, "wokmanager_problems", "gauge", "Open problems per group and kind; state is open (unacknowledged) or acknowledged.")
        for count in snapshot.problems {
            let labels = "group=\"\(escapeLabelValue(count.group))\",kind=\"\(count.kind.rawValue)\""
            if count.open > 0 { sample(&text, "wokmanager_problems", labels + ",state=\"open\"", count.open) }
            if count.acknowledged > 0 { sample(&text, "wokmanager_problems", labels + ",state=\"acknowledged\"", count.acknowledged) }
        }
        let expected: [(name: String, help: String, value: (Expectation) -> Int?)] = [
            ("wokmanager_expected_running_min", "The expectation's min_running, per group or worker.", \.minRunning),
            ("wokmanager_expected_running_max", "The expectation's max_running, per group or worker.", \.maxRunning),
        ]
        for series in expected {
            family(&text, series.name, "gauge", series.help)
            for expectation in snapshot.expectations {
                guard let value = series.value(expectation) else { continue }
                sample(&text, series.name, "\(expectation.subject.scope)=\"\(escapeLabelValue(expectation.subject.name))\"", value)
            }
        }
    }

    /// Escapes a label value: backslash, double quote and line feed.
    public static func escapeLabelValue(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) else {
            return value
        }
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    private static func family(_ text: inout String, _ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    /// One sample line; `labels` is the already escaped text between the braces.
    private static func sample(_ text: inout String, _ name: String, _ labels: String, _ value: Int) {
        text += name
        text += "{"
        text += labels
        text += "} "
        text += String(value)
        text += "\n"
    }
}
