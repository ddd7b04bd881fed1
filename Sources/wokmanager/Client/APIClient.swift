import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Registry

/// A failed call to the server, worded for one line on a terminal.
struct ClientError: Error, CustomStringConvertible {
    let description: String
    /// `true` when the server could not be reached (worth retrying), `false` when it answered with an error.
    let isConnectionFailure: Bool
    /// For a 429, the seconds its `Retry-After` asks to wait before the same request is sent again.
    var retryAfter: Int? = nil
}

/// Calls the wokmanager HTTP API.
struct APIClient: Sendable {
    let base: URL
    let apiKey: String?
    /// The HTTP client, verifying https servers as ``HTTPClients/client(trusting:)`` says.
    let http: HTTPClient
    var timeout: TimeInterval = 10

    /// GETs `path` (with its query) and decodes the JSON answer.
    func get<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        try Self.decoder.decode(T.self, from: try await send("GET", path, body: nil))
    }

    /// Sends `method` to `path` with `body` as JSON (no body when `nil`) and decodes the JSON answer.
    func call<T: Decodable>(_ method: String, _ path: String, body: (any Encodable)? = nil, as type: T.Type) async throws -> T {
        try Self.decoder.decode(T.self, from: try await send(method, path, body: try body.map { try JSONEncoder().encode($0) }))
    }

    /// Sends `method` to `path` with `body` as JSON; only a failure matters, not the answer.
    func call(_ method: String, _ path: String, body: (any Encodable)? = nil) async throws {
        _ = try await send(method, path, body: try body.map { try JSONEncoder().encode($0) })
    }

    /// `text` as one segment of a path: everything but letters and digits percent-encoded.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    /// POSTs one event to `/worker/state` and returns the server's answer.
    func post(event: [String: JSONValue]) async throws -> StateAnswer {
        let body = try JSONEncoder().encode(event)
        return try Self.decoder.decode(StateAnswer.self, from: try await send("POST", "/worker/state", body: body))
    }

    /// The server's answer to an event.
    struct StateAnswer: Decodable {
        let id: String
        let status: WorkerStatus
        let late: Bool
    }

    /// Sends one request and answers the body of a 2xx; any other answer, or none, is a ``ClientError``.
    func send(_ method: String, _ path: String, body: Data?) async throws -> Data {
        guard let url = URL(string: path, relativeTo: base) else { throw ClientError(description: "bad path \(path)", isConnectionFailure: false) }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        if let apiKey { request.headers.add(name: "X-API-Key", value: apiKey) }
        let status: UInt
        let data: Data
        let retryAfter: Int?
        do {
            let response = try await http.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            status = response.status.code
            retryAfter = status == 429 ? response.headers.first(name: "Retry-After").flatMap { Int($0) }.map { max($0, 1) } ?? 1 : nil
            data = Data(buffer: try await response.body.collect(upTo: Self.largestAnswer))
        } catch {
            throw ClientError(description: "cannot reach \(base.absoluteString): \(error)", isConnectionFailure: true)
        }
        guard (200..<300).contains(status) else {
            let detail = (try? JSONDecoder().decode(ErrorAnswer.self, from: data))?.error
            let message = (detail?.message ?? "HTTP \(status)") + (detail?.hint.map { " (\($0))" } ?? "")
            throw ClientError(description: "the server answered \(status): \(message)", isConnectionFailure: status >= 500, retryAfter: retryAfter)
        }
        return data
    }

    /// The largest answer read (a listing of 10,000 workers is a few MiB).
    private static let largestAnswer = 256 << 20

    private struct ErrorAnswer: Decodable {
        struct Detail: Decodable {
            let message: String
            let hint: String?
        }
        let error: Detail
    }

    /// Reads the server's JSON, times as RFC 3339.
    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 time: \(text)"))
            }
            return date
        }
        return decoder
    }
}

/// A JSON value for event bodies built from command-line options.
enum JSONValue: Encodable, Sendable, Equatable {
    case string(String)
    case number(Double)
    case integer(Int)
    case object([String: String])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
