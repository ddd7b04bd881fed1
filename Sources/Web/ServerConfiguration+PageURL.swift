import Foundation

extension ServerConfiguration {
    /// The base of links in notifications: ``publicURL``, or else the address the server listens on, a wildcard one as `localhost`.
    var pageURL: URL {
        if let publicURL { return publicURL }
        let host = host == "0.0.0.0" || host == "::" || host.isEmpty ? "localhost" : host
        return URL(string: "http://\(host.contains(":") ? "[\(host)]" : host):\(port)") ?? URL(fileURLWithPath: "/")
    }
}
