import Foundation
import Registry
import Testing

/// What closing the SQLite store leaves on disk.
@Suite("SQLite close")
struct SQLiteCloseTests {
    @Test("closing checkpoints the WAL into the database file and removes it, also after reads")
    func closeCheckpointsTheWAL() async throws {
        let folder = TemporaryDirectory()
        defer { folder.cleanup() }
        let wal = folder.databasePath + "-wal"
        let store = try await openSQLiteStore(path: folder.databasePath)
        _ = try await store.apply([event(.started), event(.message, at: 1, message: "importing")], liveness: liveness(at: 1))
        // Reads open read-only connections; one of them closing last could not checkpoint.
        #expect(try await store.worker(id: "Importer01", liveness: liveness(at: 1))?.message == "importing")
        #expect(try await store.history(HistoryQuery(workerID: "Importer01")).count == 2)
        #expect(FileManager.default.fileExists(atPath: wal))
        try await store.close()
        #expect(!FileManager.default.fileExists(atPath: wal), "a clean close leaves no WAL behind")

        let reopened = try await openSQLiteStore(path: folder.databasePath)
        #expect(try await reopened.worker(id: "Importer01", liveness: liveness(at: 1))?.message == "importing")
        try await reopened.close()
    }
}
