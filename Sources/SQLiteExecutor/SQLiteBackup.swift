import CSQLite
import Foundation
import Registry

/// Online backup and restore of the SQLite store (`wokmanager backup`, `wokmanager restore`).
public enum SQLiteBackup {
    /// What a backup or a restore copied.
    public struct Summary: Sendable, CustomStringConvertible {
        /// The workers in the copy.
        public let workers: Int
        /// The history entries in the copy.
        public let history: Int
        /// The copy's size in bytes.
        public let bytes: Int

        public var description: String {
            "\(workers) workers, \(history) history entries, \(ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .file))"
        }
    }

    /// A backup or restore that cannot be done, and why.
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes a consistent copy of the database at `path` to `target` with `VACUUM INTO`, which reads one
    /// snapshot while the server goes on writing (WAL mode lets a reader and the writer run at once), then syncs
    /// and checks the copy. `target` must not exist.
    public static func backup(database path: String, to target: String) throws -> Summary {
        guard FileManager.default.fileExists(atPath: path) else { throw Refusal(description: "\(path): no such database") }
        guard !FileManager.default.fileExists(atPath: target) else { throw Refusal(description: "\(target) exists: give a new file") }
        let source = try SQLiteConnection(path: path)
        try source.execute("PRAGMA busy_timeout = 5000")
        try source.perform(SQLStatement("VACUUM INTO ?", [.text(target)]))
        try sync(target)
        return try check(target)
    }

    /// Replaces the database at `path` with the backup at `backup`, unless a server holds its ``DatabaseLock``.
    /// The database replaced, with its write-ahead log, is kept beside it as `PATH.before-restore`; its log is
    /// never applied to the restored file.
    public static func restore(_ backup: String, into path: String) throws -> Summary {
        let lock = try DatabaseLock(database: path)
        let summary = try check(backup)
        let staged = path + ".restoring"
        try? FileManager.default.removeItem(atPath: staged)
        try FileManager.default.copyItem(atPath: backup, toPath: staged)
        try sync(staged)
        let kept = path + ".before-restore"
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: kept + suffix)
            if FileManager.default.fileExists(atPath: path + suffix) {
                try FileManager.default.moveItem(atPath: path + suffix, toPath: kept + suffix)
            }
        }
        guard rename(staged, path) == 0 else { throw Refusal(description: "cannot move the restored copy to \(path): \(String(cString: strerror(errno)))") }
        try sync(URL(fileURLWithPath: path).deletingLastPathComponent().path)
        withExtendedLifetime(lock) {}
        return summary
    }

    /// Checks that `path` is a whole wokmanager database this version can open, and counts what it holds.
    private static func check(_ path: String) throws -> Summary {
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: path)
        } catch {
            throw Refusal(description: "\(path) is not a SQLite database (\(error))")
        }
        let verdict = try? connection.select(SQLStatement("PRAGMA quick_check")) { try $0.text("quick_check") }.first
        guard verdict == "ok" else { throw Refusal(description: "\(path) is damaged: \(verdict ?? "not a SQLite database")") }
        let schema = try connection.select(SQLStatement("PRAGMA user_version")) { try $0.int("user_version") }.first ?? 0
        let tables = try connection.select(SQLStatement("SELECT name FROM sqlite_master WHERE name = 'workers'"), { try $0.text("name") })
        guard schema > 0, tables == ["workers"] else {
            throw Refusal(description: "\(path) is not a wokmanager database")
        }
        guard schema <= SQLiteMigrations.steps.count else {
            throw Refusal(description: "\(path) was written by a newer wokmanager (schema \(schema); this one knows \(SQLiteMigrations.steps.count))")
        }
        let count = { (table: String) in try connection.select(SQLStatement("SELECT count(*) AS n FROM \(table)")) { try $0.int("n") }.first ?? 0 }
        let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return Summary(workers: try count("workers"), history: try count("history"), bytes: bytes)
    }

    /// `fsync`s the file or folder at `path`.
    private static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw Refusal(description: "cannot open \(path) to sync it") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw Refusal(description: "cannot sync \(path): \(String(cString: strerror(errno)))") }
    }
}
