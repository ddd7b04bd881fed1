import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Registry
import SQLiteExecutor
import Web

let testKey = "test-key-0123456789"
let t0 = Date(timeIntervalSince1970: 1_800_000_000)

/// Builds the real application on a fresh SQLite file and a hand-moved clock, and runs `body` against it.
func withApp(
    keys: [AccessKey] = [AccessKey(name: "test", role: .admin, secret: testKey)],
    readsRequireKey: Bool = false,
    limits: RequestLimits = RequestLimits(),
    perWorkerMetrics: Bool = false,
    folder: URL? = nil,
    clock: ManualClock = ManualClock(t0),
    _ body: @Sendable (any TestClientProtocol, ManualClock) async throws -> Void
) async throws {
    let ownFolder = folder == nil
    let folder = folder ?? FileManager.default.temporaryDirectory.appendingPathComponent("wokmanager-web-\(UUID().uuidString)")
    defer { if ownFolder { try? FileManager.default.removeItem(at: folder) } }
    let configuration = ServerConfiguration(
        port: 0, accessKeys: keys, readsRequireKey: readsRequireKey, limits: limits, perWorkerMetrics: perWorkerMetrics)
    let store = SQLStore(database: try await SQLiteDatabase.open(path: folder.appendingPathComponent("web.sqlite").path))
    let app = try await buildApplication(configuration, store: store, clock: clock.wallClock, logger: Logger(label: "web-tests"))
    try await app.test(.router) { client in try await body(client, clock) }
}

extension TestClientProtocol {
    /// Posts one event to the seed's route with the test key in the query string.
    @discardableResult
    func postState(_ json: String, key: String? = testKey) async throws -> TestResponse {
        let uri = key.map { "/worker/state?api-key=\($0)" } ?? "/worker/state"
        return try await execute(uri: uri, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json))
    }

    /// Sends a request without a body.
    func send(_ method: HTTPRequest.Method, _ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: method, headers: [:], body: nil)
    }

    /// The status code of a request without a body.
    func statusCode(_ method: HTTPRequest.Method, _ uri: String) async throws -> Int {
        try await send(method, uri).status.code
    }

    /// GETs `uri` and decodes the JSON body.
    func getJSON(_ uri: String, headers: HTTPFields = [:]) async throws -> (HTTPResponse.Status, [String: Any]) {
        let response = try await execute(uri: uri, method: .get, headers: headers, body: nil)
        return (response.status, try response.json())
    }

    /// The ids `GET /workers` lists for a query string.
    func workerIDs(_ query: String = "") async throws -> [String] {
        let (_, body) = try await getJSON("/workers" + query)
        return (body["workers"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }
}

extension TestResponse {
    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:]
    }

    /// The `error` object of an error answer.
    func error() throws -> [String: String] {
        try json()["error"] as? [String: String] ?? [:]
    }
}

/// One event as JSON.
func eventJSON(_ id: String, _ group: String = "product.importer", _ event: String = "started", extra: String = "") -> String {
    #"{"id": "\#(id)", "group": "\#(group)", "event": "\#(event)", "at": "now"\#(extra)}"#
}
