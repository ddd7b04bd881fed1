import Foundation

/// Stores a worker's numbers as one JSON text column, which the stores' JSON functions read for the group sums.
enum MetricCoding {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()
    private static let decoder = JSONDecoder()

    static func encode(_ metrics: [String: Double]) -> String {
        guard !metrics.isEmpty, let data = try? encoder.encode(metrics) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The numbers in `text`; `nil` when it is not a JSON object of numbers.
    static func decode(_ text: String) -> [String: Double]? {
        if text == "{}" { return [:] }
        return try? decoder.decode([String: Double].self, from: Data(text.utf8))
    }
}
