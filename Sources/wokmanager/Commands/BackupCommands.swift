import ArgumentParser
import Foundation
import SQLiteExecutor

/// Which SQLite file `backup` and `restore` work on: the one `serve` would open with the same flag, variable or
/// config file.
struct DatabaseOptions: ParsableArguments {
    @Option(name: ServeSetting.database.name, help: ArgumentHelp("The SQLite file (WOKMANAGER_DATABASE; default: the config file's, else \(StoreSettings().databasePath)).", valueName: "file"))
    var databasePath: String?

    @Option(name: .customLong("config"), help: ArgumentHelp("The server's config file, to take the database from (WOKMANAGER_CONFIG).", valueName: "file"))
    var configPath: String?

    /// The SQLite file, refused when the settings keep state in PostgreSQL.
    func sqlitePath(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        var flags = SettingsReader.Flags()
        flags.add(.database, databasePath)
        let reader = SettingsReader(flags: flags, environment: environment, file: try ConfigFile.named(by: configPath, environment: environment))
        if reader.given(.databaseURL) != nil {
            throw ValidationError("state is kept in PostgreSQL (\(reader.source(of: .databaseURL))): back it up with pg_dump, as docs/operations.md shows")
        }
        return reader.text(.database)
    }
}

/// `wokmanager backup FILE`: a consistent copy of the SQLite store, taken while the server runs.
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the SQLite store to FILE while the server runs.",
        discussion: "The copy is one consistent snapshot (SQLite's VACUUM INTO), synced to disk and checked. For PostgreSQL, use pg_dump (docs/operations.md)."
    )

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The new file to write (it must not exist).") var file: String

    func run() throws {
        let path = try database.sqlitePath()
        let started = ContinuousClock.now
        do {
            let summary = try SQLiteBackup.backup(database: path, to: file)
            let seconds = (ContinuousClock.now - started).inSeconds
            print("backed up \(path) to \(file): \(summary) in \(String(format: "%.2f", seconds)) s")
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

/// `wokmanager restore FILE`: puts a backup in place of the SQLite store, with no server running on it.
struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace the SQLite store with a backup (stop the server first).",
        discussion: "Refused while a server runs on the database. The database replaced is kept beside it as FILE.before-restore; the next start migrates the backup if an older version wrote it."
    )

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The backup to restore.") var file: String

    func run() throws {
        let path = try database.sqlitePath()
        do {
            let summary = try SQLiteBackup.restore(file, into: path)
            print("restored \(file) into \(path): \(summary); the previous database is \(path).before-restore")
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
