import Registry

/// Renders registry state in the Prometheus text exposition format 0.0.4.
public enum PrometheusExposition {
    /// The `Content-Type` of the rendered text.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Gauges of workers per group: `wokmanager_workers_running{group}` and `wokmanager_workers{group,status}`.
    ///
    /// Every group with a worker gets every status, zeros included, so a series drops to 0 instead of vanishing.
    public static func workerGauges(_ counts: [GroupCount]) -> String {
        var perGroup: [String: StatusCounts] = [:]
        for count in counts {
            perGroup[count.group, default: StatusCounts()][count.status] += count.count
        }
        let groups = perGroup.keys.sorted()
        var text = """
            # HELP wokmanager_workers_running Workers running now, per group.
            # TYPE wokmanager_workers_running gauge

            """
        for group in groups {
            text += "wokmanager_workers_running{group=\"\(escapeLabelValue(group))\"} \(perGroup[group]!.running)\n"
        }
        text += """
            # HELP wokmanager_workers Workers per group and status.
            # TYPE wokmanager_workers gauge

            """
        for group in groups {
            for status in WorkerStatus.allCases {
                text += "wokmanager_workers{group=\"\(escapeLabelValue(group))\",status=\"\(status.rawValue)\"} \(perGroup[group]![status])\n"
            }
        }
        return text
    }

    /// Escapes a label value: backslash, double quote and line feed.
    public static func escapeLabelValue(_ value: String) -> String {
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
}
