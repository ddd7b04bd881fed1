import Foundation

/// The key generated on first start when none is configured, kept in a file beside the database (mode 0600).
public enum APIKeyFile {
    /// The file's path for a database at `databasePath`: `wokmanager.api-key` in the same folder.
    public static func path(besideDatabase databasePath: String) -> String {
        URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("wokmanager.api-key").path
    }

    /// Reads the key at `path`, or creates the file with a new random key. `created` tells which.
    public static func loadOrCreate(at path: String) throws -> (key: String, created: Bool) {
        if let data = FileManager.default.contents(atPath: path) {
            let key = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !key.isEmpty { return (key, false) }
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let key = generateKey()
        // Created with mode 0600 from the first byte, and never over an existing file.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(descriptor) }
        let line = Array((key + "\n").utf8)
        guard write(descriptor, line, line.count) == line.count, fsync(descriptor) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return (key, true)
    }

    /// 32 random bytes as 64 hex digits.
    static func generateKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }
}
