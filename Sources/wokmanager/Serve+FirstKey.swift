import Foundation
import Web

extension Serve {
    /// The first start's step, after the settings are read: when no key is configured anywhere (no flag, no
    /// variable, an empty or missing keys file), moves the key an earlier version generated into the keys file,
    /// or else generates an admin key into it and prints, once, the secret and how to use it. The file keeps
    /// only digests.
    func generateFirstKeyIfNone(_ settings: ServeSettings) throws {
        let configuration = settings.configuration
        guard configuration.accessKeys.isEmpty, let path = configuration.keysFile, try KeysFile.load(at: path).isEmpty else { return }
        if try KeysFile.importLegacyKey(besideDatabase: settings.store.databasePath, into: path) {
            print("The generated key in wokmanager.api-key now lives in \(path) as its digest; the old file was removed.")
            return
        }
        let secret = try KeysFile.add(name: "generated-admin", role: .admin, scope: nil, to: path)
        print("No API key was configured, so an admin key was generated; its digest is in \(path).")
        print("API key (shown only this once): \(secret)")
        print("To use it, paste this line into your shell (the README's examples, the CLI and clients/python read it):")
        print("export WOKMANAGER_API_KEY=\(secret)")
        print("Make more keys (roles write, read, admin) with, for example:")
        print(Self.keysAddCommand(keysFile: path))
        print("To run the seed's curl lines unchanged (they use the key 231cooai1d), start the server with --api-key 231cooai1d;")
        print("in a checkout: make run ARGS=\"--api-key 231cooai1d\"")
        fflush(nil)
    }

    /// `wokmanager keys add` as it can be run from here: this binary as it was started (`./.build/debug/wokmanager`
    /// under `make run`), naming the keys file unless `keys` finds this one by itself.
    private static func keysAddCommand(keysFile: String) -> String {
        let started = CommandLine.arguments.first ?? "wokmanager"
        var words = [started.contains("/") ? started : "wokmanager", "keys", "add", "importers", "--role", "write"]
        if (try? Keys.Location.parse([]))?.path != keysFile {
            words += ["--keys-file", keysFile]
        }
        return words.map(shellQuoted).joined(separator: " ")
    }

    /// `word` as one shell word: as it is when it needs no quotes, else in single quotes.
    private static func shellQuoted(_ word: String) -> String {
        let plain = word.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_./=:@%+,".unicodeScalars.contains($0)) }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
