import Foundation
import Registry
import Testing
import Web

/// The keys file: digests only, one key per line, rewritten whole, re-read when it changes.
@Suite("Keys file")
struct KeysFileTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wokmanager-keys-\(UUID().uuidString)")
    var path: String { folder.appendingPathComponent("wokmanager.keys").path }

    @Test("an added key's secret is returned once and only its digest is stored, in a private file")
    func addStoresDigestOnly() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let secret = try KeysFile.add(name: "importers", role: .write, scope: .glob("product.*"), to: path)
        #expect(secret.count == 64)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains(secret))
        #expect(text.contains("importers write product.* sha256:"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let keys = try KeysFile.load(at: path)
        #expect(keys.map(\.name) == ["importers"])
        #expect(keys.first?.role == .write)
        #expect(keys.first?.scope == .glob("product.*"))
        #expect(keys.first == AccessKey(name: "importers", role: .write, scope: .glob("product.*"), secret: secret))
    }

    @Test("names are unique, scopes are for write keys only, and remove revokes by name")
    func addAndRemove() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try KeysFile.add(name: "a", role: .read, scope: nil, to: path)
        #expect(throws: KeysFileError.self) { try KeysFile.add(name: "a", role: .admin, scope: nil, to: path) }
        #expect(throws: KeysFileError.self) { try KeysFile.add(name: "b", role: .read, scope: .subtree("product"), to: path) }
        #expect(throws: KeysFileError.self) { try KeysFile.add(name: "bad name", role: .read, scope: nil, to: path) }
        #expect(try KeysFile.remove(name: "a", from: path))
        #expect(try !KeysFile.remove(name: "a", from: path))
        #expect(try KeysFile.load(at: path).isEmpty)
    }

    @Test("a broken line is reported with its number", arguments: [
        "ops admin *",
        "ops root * sha256:" + String(repeating: "0", count: 64),
        "ops admin * sha256:1234",
        "ops write product.[x] sha256:" + String(repeating: "0", count: 64),
    ])
    func brokenLine(line: String) throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "# comment\n\n\(line)\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try KeysFile.load(at: path) } throws: { error in
            (error as? KeysFileError)?.reason.hasPrefix("line 3:") == true
        }
    }

    @Test("a running key ring picks up added and removed keys, and keeps its keys when the file breaks")
    func ringReloads() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let configured = AccessKey(name: "flag", role: .admin, secret: "from-a-flag")
        let ring = try KeyRing(configured: [configured], file: path)
        #expect(ring.count == 1)
        #expect(try ring.reloadIfChanged() == nil)
        _ = try KeysFile.add(name: "viewer", role: .read, scope: nil, to: path)
        #expect(try ring.reloadIfChanged() == 2)
        #expect(try ring.reloadIfChanged() == nil)
        try "garbage\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: KeysFileError.self) { try ring.reloadIfChanged() }
        #expect(ring.count == 2)
        #expect(try ring.reloadIfChanged() == nil, "a broken version is reported once")
        try FileManager.default.removeItem(atPath: path)
        #expect(try ring.reloadIfChanged() == 1)
    }
}
