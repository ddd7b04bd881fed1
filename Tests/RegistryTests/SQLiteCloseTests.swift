import Foundation
import Registry
import SQLiteExecutor
import Testing

/// What the SQLite store keeps on disk: the WAL until it closes, and no temporary files.
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

    @Test("the writer keeps statement journals and sorts in memory, not in a file made and removed per transaction")
    func writerTemporariesInMemory() async throws {
        let folder = TemporaryDirectory()
        defer { folder.cleanup() }
        let database = try await SQLiteDatabase.open(path: folder.databasePath)
        let tempStore = try await database.write { try await $0.rows(SQLStatement("PRAGMA temp_store")) { try $0.int("temp_store") } }
        #expect(tempStore == [2], "2 is MEMORY")
        try await database.close()
    }
}
