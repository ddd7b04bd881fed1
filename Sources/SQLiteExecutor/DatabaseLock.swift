import Foundation

/// The lock a server holds on its SQLite file for as long as it runs: an exclusive `flock` on `PATH.lock`, which
/// the kernel drops when the process ends however it ends (`kill -9` too). A second server on the same file, or a
/// restore under a running server, is refused by it. The file holds the holder's pid, for the message.
public final class DatabaseLock: Sendable {
    /// A lock another process holds.
    public struct Held: Error, CustomStringConvertible {
        /// The database.
        public let path: String
        /// The holder's pid, when the lock file says.
        public let pid: Int32?

        public var description: String {
            "\(path) is in use by a running wokmanager server\(pid.map { " (pid \($0))" } ?? ""): stop it first"
        }
    }

    private let descriptor: Int32

    /// Takes the lock of the database at `path`, or throws ``Held`` (or the error opening the lock file).
    public init(database path: String) throws {
        let lockPath = path + ".lock"
        let folder = URL(fileURLWithPath: lockPath).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: lockPath]) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = FileManager.default.contents(atPath: lockPath).flatMap { Int32(String(decoding: $0, as: UTF8.self)) }
            close(descriptor)
            throw Held(path: path, pid: holder)
        }
        let pid = Array("\(getpid())".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }
}
