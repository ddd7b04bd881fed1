import Foundation
import Web

extension Serve {
    /// The first start's step, after the settings are read: when no key is configured anywhere (no flag, no
    /// variable, an empty or missing keys file), moves the key an earlier version generated into the keys file,
    /// or else generates an admin key into it and prints its secret once. The file keeps only digests.
    func generateFirstKeyIfNone(_ configuration: ServerConfiguration) throws {
        guard configuration.accessKeys.isEmpty, let path = configuration.keysFile, try KeysFile.load(at: path).isEmpty else { return }
        if try KeysFile.importLegacyKey(besideDatabase: configuration.databasePath, into: path) {
            print("The generated key in wokmanager.api-key now lives in \(path) as its digest; the old file was removed.")
            return
        }
        let secret = try KeysFile.add(name: "generated-admin", role: .admin, scope: nil, to: path)
        print("No API key was configured, so an admin key was generated; its digest is in \(path).")
        print("API key (shown only this once): \(secret)")
        print("Make more with `wokmanager keys add NAME --role write|read|admin`.")
        fflush(nil)
    }
}
