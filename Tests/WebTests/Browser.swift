import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// A browser over the test client: keeps the cookies it is given and sends them back, asks for HTML, and posts forms.
struct Browser {
    let client: any TestClientProtocol
    private(set) var cookies: [String: String] = [:]

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    /// Sends a request (a form when `form` is given) and keeps the cookies of the answer.
    mutating func send(_ method: HTTPRequest.Method, _ uri: String, form: [(String, String)]? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [.accept: "text/html,application/xhtml+xml"]
        if !cookies.isEmpty { headers[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            body = ByteBuffer(string: form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&"))
        }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        for cookie in response.headers[values: .setCookie] {
            let pair = cookie.prefix { $0 != ";" }.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            if pair[1].isEmpty || cookie.contains("Max-Age=0") { cookies[String(pair[0])] = nil } else { cookies[String(pair[0])] = String(pair[1]) }
        }
        return response
    }

    /// GETs a page and returns its HTML.
    mutating func page(_ uri: String) async throws -> (HTTPResponse.Status, String) {
        let response = try await send(.get, uri)
        return (response.status, String(buffer: response.body))
    }
}

/// The CSRF token of the first form of `html`.
func csrfToken(in html: String) -> String? {
    guard let start = html.range(of: #"name="csrf" value=""#) else { return nil }
    return String(html[start.upperBound...].prefix { $0 != "\"" })
}
