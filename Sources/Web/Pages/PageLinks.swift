import Foundation

/// Builds the links of the pages, percent-encoding whatever a worker sent.
enum PageLinks {
    /// Characters left as they are in a query value.
    private static let queryValue: CharacterSet = {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#?;/")
        return allowed
    }()

    /// Characters left as they are in one path segment.
    private static let pathSegment: CharacterSet = {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#;")
        return allowed
    }()

    /// `/` with the given query parameters; empty values are left out.
    static func status(_ parameters: [(String, String?)]) -> String {
        let query = parameters.compactMap { name, value -> String? in
            guard let value, !value.isEmpty else { return nil }
            return name + "=" + (value.addingPercentEncoding(withAllowedCharacters: queryValue) ?? "")
        }
        return query.isEmpty ? "/" : "/?" + query.joined(separator: "&")
    }

    /// The page of one worker.
    static func worker(_ id: String) -> String {
        "/ui/workers/" + (id.addingPercentEncoding(withAllowedCharacters: pathSegment) ?? "")
    }

    /// The status page filtered to one group.
    static func group(_ path: String) -> String {
        status([("group", path)])
    }
}
