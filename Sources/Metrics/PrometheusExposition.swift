import Foundation
import NIOCore
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
    /// With `depth`, groups deeper than it are reported as their ancestor at that depth (`--metrics-depth`).
    public static func render(_ snapshot: MetricsSnapshot, depth: Int? = nil) -> String {
        String(buffer: renderedBuffer(snapshot, depth: depth))
    }

    /// ``render(_:depth:)`` as UTF-8 bytes, followed by `trailer` (more series in the same format), in the buffer
    /// a response sends.
    public static func renderedBuffer(_ snapshot: MetricsSnapshot, depth: Int? = nil, trailer: String = "") -> ByteBuffer {
        let folded = depth.map { snapshot.folded(toDepth: $0) } ?? snapshot
        return render(bounded: folded.boundingNames(perGroup: Limits.metricCount), trailer: trailer).buffer
    }

    private static func render(bounded snapshot: MetricsSnapshot, trailer: String) -> ExpositionText {
        let groups = countsByGroup(snapshot)
        // Each group's name is escaped once and reused by its six samples (of about 64 bytes besides the name).
        let escapedGroups = groups.map { escapeLabelValue($0.key) }
        let groupSize = escapedGroups.first?.utf8.count ?? 0
        var text = ExpositionText(capacity: 1024 + trailer.utf8.count + groups.count * 6 * (64 + groupSize))
        family(&text, "wokmanager_workers_running", "gauge", "Workers running now, per group.")
        for (counts, group) in zip(groups, escapedGroups) {
            text.sample("wokmanager_workers_running", group: group, "", counts.value.running)
        }
        family(&text, "wokmanager_workers", "gauge", "Workers per group and status (running, lost, stopped, failed).")
        let statusLabels = WorkerStatus.allCases.map { (status: $0, label: ",status=\"\($0.rawValue)\"") }
        for (counts, group) in zip(groups, escapedGroups) {
            for (status, statusLabel) in statusLabels {
                text.sample("wokmanager_workers", group: group, statusLabel, counts.value[status])
            }
        }
        family(&text, "wokmanager_events_total", "counter", "Events received, per event.")
        for event in EventKind.allCases {
            sample(&text, "wokmanager_events_total", "event=\"\(event.rawValue)\"", snapshot.eventTotals[event.rawValue] ?? 0)
        }
        family(&text, "wokmanager_worker_errors_total", "counter", "Errors reported by workers, per group.")
        for (counts, group) in zip(groups, escapedGroups) {
            text.sample("wokmanager_worker_errors_total", group: group, "", snapshot.errorTotals[counts.key] ?? 0)
        }
        renderAttention(&text, snapshot)
        renderNumbers(&text, snapshot)
        renderPushed(&text, snapshot.pushed)
        if !snapshot.workers.isEmpty {
            family(&text, "wokmanager_worker_last_seen_timestamp_seconds", "gauge", "When each worker was last seen, in Unix seconds.")
            for worker in snapshot.workers {
                text += "wokmanager_worker_last_seen_timestamp_seconds{id=\"\(escapeLabelValue(worker.id))\",group=\"\(escapeLabelValue(worker.group))\"} "
                text += String(format: "%.3f", worker.lastSeen.timeIntervalSince1970) + "\n"
            }
        }
        text += trailer
        return text
    }

    /// Every group's counts, by name. The store lists the groups and their counts by name already, so the two are
    /// merged in one pass; lists in another order (folded groups, a database collation that sorts apart from
    /// Swift) are sorted here (which was a sixth of a scrape of 10,000 groups).
    private static func countsByGroup(_ snapshot: MetricsSnapshot) -> [(key: String, value: StatusCounts)] {
        if let merged = merged(snapshot.groups, snapshot.groupCounts) { return merged }
        var perGroup: [String: StatusCounts] = Dictionary(uniqueKeysWithValues: snapshot.groups.map { ($0, StatusCounts()) })
        for count in snapshot.groupCounts {
            perGroup[count.group, default: StatusCounts()][count.status] += count.count
        }
        return perGroup.sorted { $0.key < $1.key }
    }

    /// `groups` with their `counts`, when the groups are in strictly increasing order and the counts follow them,
    /// each of a listed group; `nil` otherwise.
    private static func merged(_ groups: [String], _ counts: [GroupCount]) -> [(key: String, value: StatusCounts)]? {
        var merged: [(key: String, value: StatusCounts)] = []
        merged.reserveCapacity(groups.count)
        var next = counts.startIndex
        for (index, group) in groups.enumerated() {
            if index > 0, !(groups[index - 1] < group) { return nil }
            var counted = StatusCounts()
            while next < counts.endIndex, counts[next].group == group {
                counted[counts[next].status] += counts[next].count
                next += 1
            }
            merged.append((group, counted))
        }
        return next == counts.endIndex ? merged : nil
    }

    /// Open problems per group, kind and state (only those there are: an alert on them resolves when the series goes),
    /// and the expected running counts per subject.
    private static func renderAttention(_ text: inout ExpositionText, _ snapshot: MetricsSnapshot) {
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

    /// The numbers workers report: per group, the gauges of its running workers (sum, lowest, highest, and how
    /// many report it) and the counters, which never go down; per worker, when asked for, each running worker's own.
    private static func renderNumbers(_ text: inout ExpositionText, _ snapshot: MetricsSnapshot) {
        family(&text, "wokmanager_group_reported", "gauge",
               "A gauge over a group's running workers that report it: aggregate is sum, min or max of their latest values.")
        for gauge in snapshot.groupGauges {
            let labels = numberLabels(gauge.group, gauge.name)
            for (aggregate, value) in [("sum", gauge.sum), ("min", gauge.min), ("max", gauge.max)] {
                sample(&text, "wokmanager_group_reported", labels + ",aggregate=\"\(aggregate)\"", value)
            }
        }
        family(&text, "wokmanager_group_reporting_workers", "gauge", "How many of a group's running workers report a gauge.")
        for gauge in snapshot.groupGauges {
            sample(&text, "wokmanager_group_reporting_workers", numberLabels(gauge.group, gauge.name), gauge.workers)
        }
        family(&text, "wokmanager_group_reported_total", "counter",
               "What a counter (a name ending in _total) grew by over a group's workers; a worker's drop is a restart from 0.")
        for counter in snapshot.groupCounters {
            sample(&text, "wokmanager_group_reported_total", numberLabels(counter.group, counter.name), counter.value)
        }
        guard !snapshot.workerNumbers.isEmpty else { return }
        let perWorker = [("wokmanager_worker_reported", "gauge", "A running worker's latest value of a gauge.", false),
                         ("wokmanager_worker_reported_total", "counter", "A running worker's latest value of a counter.", true)]
        for (name, type, help, counters) in perWorker {
            family(&text, name, type, help)
            for worker in snapshot.workerNumbers {
                let labels = "id=\"\(escapeLabelValue(worker.id))\","
                for (metric, value) in worker.metrics.sorted(by: { $0.key < $1.key }) where WorkerMetric.isCounter(metric) == counters {
                    sample(&text, name, labels + numberLabels(worker.group, metric), value)
                }
            }
        }
    }

    /// `group` and `name` labels, escaped (a metric name needs no escaping).
    private static func numberLabels(_ group: String, _ name: String) -> String {
        "group=\"\(escapeLabelValue(group))\",name=\"\(name)\""
    }

    /// Escapes a label value: backslash, double quote and line feed.
    public static func escapeLabelValue(_ value: String) -> String {
        let needsEscaping = { (byte: UInt8) in byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n") }
        guard value.utf8.withContiguousStorageIfAvailable({ $0.contains(where: needsEscaping) }) ?? value.utf8.contains(where: needsEscaping) else {
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

    private static func family(_ text: inout ExpositionText, _ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    /// One sample line; `labels` is the already escaped text between the braces.
    private static func sample(_ text: inout ExpositionText, _ name: String, _ labels: String, _ value: Int) {
        text.sample(name, labels, value)
    }

    /// One sample line of a number a worker reported, written as Go's ParseFloat reads it.
    private static func sample(_ text: inout ExpositionText, _ name: String, _ labels: String, _ value: Double) {
        text += name
        text += "{"
        text += labels
        text += "} "
        text += WorkerMetric.text(value)
        text += "\n"
    }
}
