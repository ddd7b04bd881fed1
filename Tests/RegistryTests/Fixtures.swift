import Foundation
import Registry
import SQLiteExecutor

/// The store on the SQLite file at `path`, created if there is none.
func openSQLiteStore(path: String) async throws -> any WorkerStore {
    SQLStore(database: try await SQLiteDatabase.open(path: path))
}

/// A fixed instant the tests count from.
let t0 = Date(timeIntervalSince1970: 1_800_000_000)

/// An event at `t0 + seconds`, received at the same time unless told otherwise.
func event(
    _ kind: EventKind, id: String = "Importer01", group: String = "product.importer", at seconds: Double = 0,
    receivedAt received: Double? = nil, ttl: Double? = nil, message: String? = nil, action: String? = nil,
    exitCode: Int? = nil
) -> WorkerEvent {
    WorkerEvent(
        id: id, group: group, kind: kind, at: t0.addingTimeInterval(seconds),
        receivedAt: t0.addingTimeInterval(received ?? seconds), ttl: ttl, message: message, action: action,
        exitCode: exitCode)
}

/// A liveness rule judged at `t0 + seconds`, the server having started at `t0`.
func liveness(at seconds: Double, defaultTTL: Double = 0, graceStart: Double = 0) -> Liveness {
    Liveness(now: t0.addingTimeInterval(seconds), graceStart: t0.addingTimeInterval(graceStart), defaultTTL: defaultTTL)
}

/// A fresh folder for one test's database files, removed by the caller with `cleanup`.
struct TemporaryDirectory {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("wokmanager-tests-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    var databasePath: String { path + "/registry.sqlite" }

    func cleanup() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
