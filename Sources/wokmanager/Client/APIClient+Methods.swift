import Foundation

/// The admin calls beyond reading and reporting: `PUT`, `DELETE` and a `POST` without a body, answered in JSON.
extension APIClient {
    /// PUTs `body` as JSON to `path` and decodes the answer.
    func put<T: Decodable>(_ path: String, json body: some Encodable, as type: T.Type) async throws -> T {
        try Self.decoder.decode(T.self, from: try await send("PUT", path, body: try JSONEncoder().encode(body)))
    }

    /// DELETEs `path` and decodes the answer.
    func delete<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        try Self.decoder.decode(T.self, from: try await send("DELETE", path, body: nil))
    }

    /// POSTs to `path` without a body and decodes the answer.
    func post<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        try Self.decoder.decode(T.self, from: try await send("POST", path, body: nil))
    }
}
