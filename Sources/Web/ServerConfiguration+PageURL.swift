import Foundation

extension ServerConfiguration {
    /// The base of links in notifications: the address the server listens on, a wildcard one as `localhost`.
    var pageURL: URL {
        let host = host == "0.0.0.0" || host == "::" || host.isEmpty ? "localhost" : host
        return URL(string: "http://\(host.contains(":") ? "[\(host)]" : host):\(port)") ?? URL(fileURLWithPath: "/")
    }
}
