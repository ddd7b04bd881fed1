import ArgumentParser
import Foundation
import Registry
import Web

/// `wokmanager keys`: manages the keys file the server reads (and re-reads when it changes).
struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add, list and remove API keys in the server's keys file.",
        discussion: "The file keeps only SHA-256 digests; a new key's secret is printed once. A running server picks up changes within a few seconds.",
        subcommands: [Add.self, List.self, Remove.self]
    )

    /// Where the keys file is: `--keys-file`, else beside `--database`, as `wokmanager serve` finds it.
    struct Location: ParsableArguments {
        @Option(name: .customLong("keys-file"), help: "The keys file (WOKMANAGER_KEYS_FILE).")
        var keysFile: String?

        @Option(name: .customLong("database"), help: "The server's SQLite file; the keys file is beside it (WOKMANAGER_DATABASE; default ./data/wokmanager.sqlite).")
        var databasePath: String?

        /// The file's absolute path, so that messages name exactly the file that was read.
        var path: String {
            let setting = Setting()
            let file = setting.value(keysFile, ServeSetting.keysFile.variable)
                ?? KeysFile.path(besideDatabase: setting.value(databasePath, ServeSetting.database.variable) ?? StoreSettings().databasePath)
            return URL(fileURLWithPath: file).standardizedFileURL.path
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a new key and print its secret once.")

        @Argument(help: "A name for the key (letters, digits, '-', '_', '.'), e.g. importers or grafana.")
        var name: String

        @Option(help: "read, write or admin.")
        var role: String

        @Option(help: "Limit a write key to groups: a subtree (product) or a glob (product.*).")
        var group: String?

        @OptionGroup var location: Location

        func run() throws {
            guard let accessRole = AccessRole(rawValue: role) else { throw ValidationError("--role must be read, write or admin, not '\(role)'") }
            var scope: GroupFilter?
            if let group {
                do { scope = try GroupFilter(parsing: group, field: "--group") } catch { throw ValidationError("--group \(error.message)") }
            }
            let secret = try KeysFile.add(name: name, role: accessRole, scope: scope, to: location.path)
            print(secret)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys: name, role and group scope (never secrets).")

        @OptionGroup var location: Location

        func run() throws {
            let path = location.path
            guard FileManager.default.fileExists(atPath: path) else {
                FileHandle.standardError.write(Data("""
                    wokmanager: no keys file at \(path). It is beside the server's database: run this in the folder \
                    `wokmanager serve` runs in, or give --database or --keys-file. (Keys given with --api-key or \
                    WOKMANAGER_API_KEYS are not kept in any file.)

                    """.utf8))
                throw ExitCode.failure
            }
            let keys = try KeysFile.load(at: path)
            guard !keys.isEmpty else { return print("No keys in \(path).") }
            print("Keys in \(path):")
            let rows = [["NAME", "ROLE", "GROUPS"]] + keys.map { [$0.name, $0.role.rawValue, $0.scope?.text ?? "*"] }
            let widths = (0..<3).map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                let padded = zip(row.dropLast(), widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                print((padded + [row[2]]).joined(separator: "  "))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by name.")

        @Argument(help: "The key's name.")
        var name: String

        @OptionGroup var location: Location

        func run() throws {
            guard try KeysFile.remove(name: name, from: location.path) else {
                throw ValidationError("no key named '\(name)' in \(location.path)")
            }
            print("removed \(name)")
        }
    }
}
