import Foundation

/// Stores a worker's numbers as one JSON text column, which the stores' JSON functions read for the group sums.
///
/// Written and read here rather than by Foundation's JSON coders, as every event reads and writes the column:
/// a metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`) needs no escaping and a value is a finite number, so the text is
/// exactly what ``encode(_:)`` writes, and ``decode(_:)`` refuses anything else (Foundation's decoder takes a
/// trailing comma). The benchmark could not tell the two apart in heartbeats: the request's own decoding weighs more.
enum MetricCoding {
    static func encode(_ metrics: [String: Double]) -> String {
        guard !metrics.isEmpty else { return "{}" }
        var text = "{"
        for (index, (name, value)) in metrics.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { text += "," }
            text += "\""
            text += name
            text += "\":"
            text += WorkerMetric.text(value)
        }
        return text + "}"
    }

    /// The numbers in `text` as ``encode(_:)`` writes them; `nil` for anything else.
    static func decode(_ text: String) -> [String: Double]? {
        guard text.hasPrefix("{"), text.hasSuffix("}") else { return nil }
        let body = text.dropFirst().dropLast()
        guard !body.isEmpty else { return [:] }
        var metrics: [String: Double] = [:]
        for entry in body.split(separator: ",", omittingEmptySubsequences: false) {
            guard entry.first == "\"", let nameEnd = entry.dropFirst().firstIndex(of: "\"") else { return nil }
            let colon = entry.index(after: nameEnd)
            guard colon < entry.endIndex, entry[colon] == ":", let value = Double(entry[entry.index(after: colon)...]), value.isFinite else { return nil }
            metrics[String(entry[entry.index(after: entry.startIndex)..<nameEnd])] = value
        }
        return metrics
    }
}
