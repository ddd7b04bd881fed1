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
        query(parameters, path: "/")
    }

    /// The JSON of a node's children (`GET /domains?under=...&depth=1`), the root's without `group`.
    static func domains(under group: String?) -> String {
        query([("under", group), ("depth", "1")], path: "/domains")
    }

    private static func query(_ parameters: [(String, String?)], path: String) -> String {
        let query = parameters.compactMap { name, value -> String? in
            guard let value, !value.isEmpty else { return nil }
            return name + "=" + encoded(value, queryValue)
        }
        return query.isEmpty ? path : path + "?" + query.joined(separator: "&")
    }

    /// The page of one worker.
    static func worker(_ id: String) -> String {
        "/ui/workers/" + encoded(id, pathSegment)
    }

    /// `text` percent-encoded but for `allowed`; text made only of letters, digits and `-._~` (left as
    /// they are in any part of a URL) is returned as it is, without the cost of Foundation's encoder.
    private static func encoded(_ text: String, _ allowed: CharacterSet) -> String {
        let plain = text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                true
            default: false
            }
        }
        return plain ? text : text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// The status page filtered to one group.
    static func group(_ path: String) -> String {
        status([("group", path)])
    }
}
