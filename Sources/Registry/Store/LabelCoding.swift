import Foundation

/// Stores a worker's labels as one JSON text column.
enum LabelCoding {
    static func encode(_ labels: [String: String]) -> String {
        guard !labels.isEmpty, let data = try? JSONSerialization.data(withJSONObject: labels, options: [.sortedKeys]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) -> [String: String] {
        guard text != "{}", let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return [:] }
        return object as? [String: String] ?? [:]
    }
}
