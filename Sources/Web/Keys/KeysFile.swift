import Foundation
import Registry

/// The keys file: one key per line, `name role scope sha256:digest`, where `scope` is `*` (any group) or a
/// group filter (`product`, `product.*`) limiting a write key. Lines starting with `#` are comments.
///
/// Only digests are stored; a secret is shown once, when `add` makes it. The file is rewritten whole
/// (private temporary file, fsync, rename), so a reader sees the old file or the new one, never a mix.
public enum KeysFile {
    /// `wokmanager.keys` in the folder of the database at `databasePath`.
    public static func path(besideDatabase databasePath: String) -> String {
        URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("wokmanager.keys").path
    }

    /// The keys in the file at `path`; none when the file does not exist.
    public static func load(at path: String) throws(KeysFileError) -> [AccessKey] {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) { throw KeysFileError(path: path, reason: "cannot be read") }
            return []
        }
        var keys: [AccessKey] = []
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty || text.hasPrefix("#") { continue }
            do {
                keys.append(try parse(text))
            } catch {
                throw KeysFileError(path: path, reason: "line \(index + 1): \(error.reason)")
            }
        }
        return keys
    }

    /// Makes a new random secret, stores its digest under `name`, and returns the secret (shown only now).
    public static func add(name: String, role: AccessRole, scope: GroupFilter?, to path: String) throws(KeysFileError) -> String {
        if let problem = problem(name: name, role: role, scope: scope) { throw KeysFileError(path: path, reason: problem) }
        return try whileLocked(path) { () throws(KeysFileError) -> String in
            var keys = try load(at: path)
            if keys.contains(where: { $0.name == name }) {
                throw KeysFileError(path: path, reason: "there is already a key named '\(name)'; remove it first or pick another name")
            }
            let secret = generateSecret()
            keys.append(AccessKey(name: name, role: role, scope: scope, secret: secret))
            try save(keys, to: path)
            return secret
        }
    }

    /// Moves the key an earlier version generated into `wokmanager.api-key` (the secret itself, beside the
    /// database) into the keys file as the admin key `generated-admin`, keeping only its digest, and deletes
    /// the old file. `false` when there is no such file.
    public static func importLegacyKey(besideDatabase databasePath: String, into path: String) throws(KeysFileError) -> Bool {
        let legacy = URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("wokmanager.api-key").path
        guard let data = FileManager.default.contents(atPath: legacy) else { return false }
        let secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else { return false }
        try whileLocked(path) { () throws(KeysFileError) in
            try save(try load(at: path) + [AccessKey(name: "generated-admin", role: .admin, secret: secret)], to: path)
        }
        unlink(legacy)
        return true
    }

    /// Removes the key named `name`; `false` when there is none.
    public static func remove(name: String, from path: String) throws(KeysFileError) -> Bool {
        try whileLocked(path) { () throws(KeysFileError) -> Bool in
            let keys = try load(at: path)
            let kept = keys.filter { $0.name != name }
            guard kept.count < keys.count else { return false }
            try save(kept, to: path)
            return true
        }
    }

    /// Why a key with these properties cannot be stored, or `nil`.
    private static func problem(name: String, role: AccessRole, scope: GroupFilter?) -> String? {
        guard !name.isEmpty, name.unicodeScalars.count <= 64,
              name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) })
        else { return "a key name is 1 to 64 ASCII letters, digits, '-', '_' or '.', not '\(name)'" }
        if scope != nil, role != .write { return "only write keys can be limited to groups" }
        return nil
    }

    /// Runs a read-change-write of the file under an exclusive lock on `PATH.lock`, so two `wokmanager
    /// keys` commands at once cannot lose each other's change.
    private static func whileLocked<T>(_ path: String, _ body: () throws(KeysFileError) -> T) throws(KeysFileError) -> T {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let lock = open(path + ".lock", O_RDWR | O_CREAT, 0o600)
        guard lock >= 0, flock(lock, LOCK_EX) == 0 else {
            throw KeysFileError(path: path + ".lock", reason: "cannot be locked: \(String(cString: strerror(errno)))")
        }
        defer { close(lock) }
        return try body()
    }

    /// One line of the file for `key`.
    static func line(for key: AccessKey) -> String {
        let digest = key.digest.hexDigits
        return "\(key.name) \(key.role.rawValue) \(key.scope?.text ?? "*") sha256:\(digest)"
    }

    private static func parse(_ line: String) throws(KeysFileError) -> AccessKey {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.count == 4 else { throw KeysFileError(path: "", reason: "expected 'name role scope sha256:digest'") }
        guard let role = AccessRole(rawValue: fields[1]) else {
            throw KeysFileError(path: "", reason: "unknown role '\(fields[1])'; expected read, write or admin")
        }
        var scope: GroupFilter?
        if fields[2] != "*" {
            do { scope = try GroupFilter(parsing: fields[2], field: "scope") } catch {
                throw KeysFileError(path: "", reason: "scope \(error.message)")
            }
        }
        if let problem = problem(name: fields[0], role: role, scope: scope) { throw KeysFileError(path: "", reason: problem) }
        guard fields[3].hasPrefix("sha256:"), let digest = hexBytes(fields[3].dropFirst("sha256:".count)), digest.count == 32 else {
            throw KeysFileError(path: "", reason: "the digest must be 'sha256:' and 64 hex digits")
        }
        return AccessKey(name: fields[0], role: role, scope: scope, digest: digest)
    }

    private static func save(_ keys: [AccessKey], to path: String) throws(KeysFileError) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let header = "# wokmanager keys: name role scope sha256:digest (managed by `wokmanager keys`)\n"
        let bytes = Array((header + keys.map { line(for: $0) + "\n" }.joined()).utf8)
        let temporary = path + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw KeysFileError(path: temporary, reason: String(cString: strerror(errno))) }
        let written = write(descriptor, bytes, bytes.count) == bytes.count && fsync(descriptor) == 0
        close(descriptor)
        guard written, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw KeysFileError(path: path, reason: "cannot be written: \(reason)")
        }
        // The rename is durable once the folder's entry is synced too.
        let folderDescriptor = open(folder, O_RDONLY)
        if folderDescriptor >= 0 {
            fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    private static func hexBytes(_ text: Substring) -> [UInt8]? {
        guard text.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    /// 32 random bytes as 64 hex digits.
    static func generateSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }.hexDigits
    }
}

/// The keys file could not be read, parsed or written.
public struct KeysFileError: Error, CustomStringConvertible {
    /// The file.
    public let path: String
    /// What is wrong.
    public let reason: String
    public var description: String { "keys file \(path): \(reason)" }
}
