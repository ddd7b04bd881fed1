import Hummingbird
import NIOHTTP1

extension APIError {
    /// The answer to a request the HTTP parser refused: 431 for a head over ``RequestLimits``' header limits
    /// (the URL counts towards them: the parser cannot tell the two apart), 400 for anything else malformed.
    init(_ error: HTTPParserError) {
        if error == .headerOverflow {
            let count = "at most \(RequestLimits.headerCount) header fields"
            let size = "\(RequestLimits.headerBytes >> 10) KiB for the URL and the header fields together"
            self.init(.requestHeaderFieldsTooLarge, "the request head is too large: \(count), and \(size)", field: "headers")
            return
        }
        let what =
            switch error {
            case .invalidMethod: " (a malformed method)"
            case .invalidURL: " (a malformed URL)"
            case .invalidVersion: " (an HTTP version other than 1.x)"
            case .invalidHeaderToken, .invalidCharactersUsed: " (a malformed header field)"
            case .invalidContentLength, .unexpectedContentLength: " (a wrong Content-Length)"
            case .invalidChunkSize: " (a malformed chunked body)"
            default: ""
            }
        self.init(.badRequest, "the request is not valid HTTP/1.1\(what)")
    }
}
