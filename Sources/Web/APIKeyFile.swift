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
            guard !key.isEmpty else { throw KeyFileError(path: path, reason: "it is empty; delete it to have a new key generated") }
            return (key, false)
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let key = generateKey()
        // Written whole to a private temporary file (mode 0600 from the first byte), then linked into
        // place: the key file either does not exist or holds a whole key, and is never overwritten.
        let temporary = path + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw KeyFileError(path: temporary, reason: String(cString: strerror(errno))) }
        defer { unlink(temporary) }
        let line = Array((key + "\n").utf8)
        let written = write(descriptor, line, line.count) == line.count && fsync(descriptor) == 0
        close(descriptor)
        guard written else { throw KeyFileError(path: temporary, reason: "cannot write the key") }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { return try loadOrCreate(at: path) }
            throw KeyFileError(path: path, reason: String(cString: strerror(errno)))
        }
        return (key, true)
    }

    /// The key file could not be made.
    public struct KeyFileError: Error, CustomStringConvertible {
        let path: String
        let reason: String
        public var description: String { "cannot create the API key file \(path): \(reason)" }
    }

    /// 32 random bytes as 64 hex digits.
    static func generateKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }
}
