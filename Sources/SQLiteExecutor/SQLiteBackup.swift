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
    /// snapshot while the server goes on writing (WAL mode lets a reader and the writer run at once), then makes it
    /// private (it holds webhook secrets), syncs it and its folder, and checks it. `target` must not exist.
    public static func backup(database path: String, to target: String) throws -> Summary {
        guard FileManager.default.fileExists(atPath: path) else { throw Refusal(description: "\(path): no such database") }
        guard !FileManager.default.fileExists(atPath: target) else { throw Refusal(description: "\(target) exists: give a new file") }
        let source = try SQLiteConnection(path: path)
        try source.execute("PRAGMA busy_timeout = 5000")
        try source.perform(SQLStatement("VACUUM INTO ?", [.text(target)]))
        chmod(target, 0o600)
        try sync(target)
        try sync(folder(of: target))
        return try check(target)
    }

    /// Replaces the database at `path` with the backup at `backup`, unless a server holds its ``DatabaseLock``.
    /// The database replaced, with its write-ahead log, is kept beside it as `PATH.before-restore` (a restore is
    /// refused while an earlier one's is there); its log is removed before the backup is renamed into place, so it
    /// is never applied to the restored file. The restored file gets the owner of the database's folder.
    public static func restore(_ backup: String, into path: String) throws -> Summary {
        let lock = try DatabaseLock(database: path)
        if let log = size(backup + "-wal"), log > 0 {
            throw Refusal(description: "\(backup) has a write-ahead log beside it, so it is not a copy `wokmanager backup` made")
        }
        let summary = try check(backup)
        let kept = path + ".before-restore"
        guard !FileManager.default.fileExists(atPath: kept) else {
            throw Refusal(description: "\(kept) holds the database an earlier restore replaced: move it away first")
        }
        let staged = path + ".restoring"
        try? FileManager.default.removeItem(atPath: staged)
        try FileManager.default.copyItem(atPath: backup, toPath: staged)
        try giveToFolderOwner(staged, mode: 0o600)
        try giveToFolderOwner(path + ".lock", mode: 0o600)
        try sync(staged)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            guard link(path + suffix, kept + suffix) == 0 else { throw Refusal(description: "cannot keep \(path + suffix) as \(kept + suffix): \(errorText())") }
        }
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            guard unlink(path + suffix) == 0 else { throw Refusal(description: "cannot remove \(path + suffix): \(errorText())") }
        }
        guard rename(staged, path) == 0 else { throw Refusal(description: "cannot move the restored copy to \(path): \(errorText())") }
        try sync(folder(of: path))
        withExtendedLifetime(lock) {}
        return summary
    }

    /// Checks that `path` is a whole wokmanager database this version can open, and counts what it holds.
    private static func check(_ path: String) throws -> Summary {
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(immutableAt: path)
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
        return Summary(workers: try count("workers"), history: try count("history"), bytes: size(path) ?? 0)
    }

    private static func folder(of path: String) -> String {
        URL(fileURLWithPath: path).deletingLastPathComponent().path
    }

    private static func size(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
    }

    private static func errorText() -> String {
        String(cString: strerror(errno))
    }

    /// Sets `mode` on the file at `path` and, when run as root, gives it the owner of its folder: a restore run as
    /// root must leave files the server's own user (systemd's `DynamicUser`, which owns the state folder) can open.
    private static func giveToFolderOwner(_ path: String, mode: mode_t) throws {
        chmod(path, mode)
        guard getuid() == 0 else { return }
        var owner = stat()
        guard stat(folder(of: path), &owner) == 0, chown(path, owner.st_uid, owner.st_gid) == 0 else {
            throw Refusal(description: "cannot give \(path) the owner of its folder: \(errorText())")
        }
    }

    /// `fsync`s the file or folder at `path`.
    private static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw Refusal(description: "cannot open \(path) to sync it") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw Refusal(description: "cannot sync \(path): \(errorText())") }
    }
}
