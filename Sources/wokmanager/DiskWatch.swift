import Foundation
import Logging
import ServiceLifecycle
import WokmanagerMetrics

/// Measures the SQLite file and the free space of its file system every few seconds, for `/metrics`
/// (`wokmanager_store_filesystem_*_bytes`, `wokmanager_store_database_bytes`): a full disk stops every write.
struct DiskWatch: Service, CustomStringConvertible {
    let databasePath: String
    let interval: Duration
    let metrics: ServerMetrics

    var description: String { "DiskWatch" }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                measure()
                try await Task.sleep(for: interval)
            }
        }
    }

    /// One measurement: the file system holding the database, and the database with its write-ahead log.
    func measure() {
        var stats = statvfs()
        let folder = URL(fileURLWithPath: databasePath).deletingLastPathComponent().path
        guard statvfs(folder, &stats) == 0 else { return }
        let size = { (path: String) in (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        metrics.recordDisk(
            free: Double(stats.f_bavail) * Double(stats.f_frsize), size: Double(stats.f_blocks) * Double(stats.f_frsize),
            database: Double(size(databasePath) + size(databasePath + "-wal")))
    }
}
