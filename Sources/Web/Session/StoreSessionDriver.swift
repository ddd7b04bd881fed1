import Crypto
import Foundation
import Hummingbird
import Registry

/// hummingbird-auth's session storage over the registry's store. Ours adds what Hummingbird's memory driver
/// lacks for this server: sessions survive a restart and are shared by the replicas of a PostgreSQL store,
/// and the store holds the SHA-256 of each session id, so reading the database does not give a session away.
struct StoreSessionDriver: PersistDriver {
    let store: any SessionStore
    let clock: WallClock

    func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        guard try await store.createSession(id: Self.storedID(key), value: try Self.encoded(value), expires: deadline(expires)) else {
            throw PersistError.duplicate
        }
    }

    func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        try await store.setSession(id: Self.storedID(key), value: try Self.encoded(value), expires: deadline(expires))
    }

    func get<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> Object? {
        try await getWithTTL(key: key, as: type)?.object
    }

    func getWithTTL<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> (object: Object, ttl: Duration?)? {
        let now = clock.now()
        guard let stored = try await store.session(id: Self.storedID(key), now: now) else { return nil }
        guard let object = try? JSONDecoder().decode(type, from: Data(stored.value.utf8)) else { throw PersistError.invalidConversion }
        return (object, stored.expires.map { .milliseconds(Int64($0.timeIntervalSince(now) * 1000)) })
    }

    func remove(key: String) async throws {
        try await store.removeSession(id: Self.storedID(key))
    }

    private func deadline(_ expires: Duration?) -> Date? {
        expires.map { clock.now().addingTimeInterval(Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18) }
    }

    private static func storedID(_ key: String) -> String {
        SHA256.hash(data: Array(key.utf8)).hexDigits
    }

    private static func encoded(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
