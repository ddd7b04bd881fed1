import Foundation
import Synchronization

/// The keys the server accepts now: those given on the command line plus those in the keys file, which
/// is read again when it changes (so keys can be added and revoked without a restart).
public final class KeyRing: Sendable {
    private let configured: [AccessKey]
    private let file: String?
    private let state: Mutex<(keys: [AccessKey], fileStamp: FileStamp?)>

    /// Reads the keys file (when there is one) once; throws when it cannot be read or parsed.
    public init(configured: [AccessKey], file: String?) throws {
        self.configured = configured
        self.file = file
        let stamp = file.flatMap(FileStamp.of)  // before reading: a change in between is read next time
        let fileKeys = try file.map(KeysFile.load(at:)) ?? []
        state = Mutex((configured + fileKeys, stamp))
    }

    /// How many keys are accepted now.
    public var count: Int { state.withLock { $0.keys.count } }

    /// The key whose secret is `presented`, or `nil`. Every key's digest is compared in full, in constant
    /// time, so the answer's timing says nothing about how close a guess was.
    func key(presented: String) -> AccessKey? {
        let digest = AccessKey.digest(of: presented)
        let keys = state.withLock { $0.keys }
        var found: AccessKey?
        for key in keys where Self.constantTimeEqual(key.digest, digest) && found == nil {
            found = key
        }
        return found
    }

    /// The key a page session signed in with, while it is still accepted (same name, same secret).
    func key(signedIn session: PageSession) -> AccessKey? {
        state.withLock { $0.keys }.first { $0.name == session.keyName && $0.digestHex == session.keyDigest }
    }

    /// Reads the keys file again if it changed since the last read. Returns the new number of keys, or
    /// `nil` when nothing changed. On an error the keys in use stay as they were, and the same broken
    /// version of the file is not reported again.
    public func reloadIfChanged() throws -> Int? {
        guard let file else { return nil }
        let stamp = FileStamp.of(file)
        guard stamp != state.withLock({ $0.fileStamp }) else { return nil }
        do {
            let keys = configured + (try KeysFile.load(at: file))
            state.withLock { $0 = (keys, stamp) }
            return keys.count
        } catch {
            state.withLock { $0.fileStamp = stamp }
            throw error
        }
    }

    /// `true` when the bytes are equal, in a time that depends only on their length.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
