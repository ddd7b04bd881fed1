import Foundation

/// Stores a worker's labels as one JSON text column.
enum LabelCoding {
    static func encode(_ labels: [String: String]) -> String {
        guard !labels.isEmpty, let data = try? JSONSerialization.data(withJSONObject: labels, options: [.sortedKeys]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The labels in `text`; `nil` when it is not a JSON object of strings.
    static func decode(_ text: String) -> [String: String]? {
        if text == "{}" { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return nil }
        return object as? [String: String]
    }
}
