import Foundation

/// `application/x-www-form-urlencoded`, as browsers send it in a query string or a POST body: `+` is a space,
/// `%2B` a plus. Hummingbird's query decoding keeps `+` as it is.
enum FormEncoding {
    /// The name-value pairs of `text`, in order; a pair that does not decode is left out.
    static func pairs(_ text: Substring) -> [(name: String, value: String)] {
        text.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let name = decoded(parts[0]), let value = decoded(parts[1]) else { return nil }
            return (name, value)
        }
    }

    private static func decoded(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
