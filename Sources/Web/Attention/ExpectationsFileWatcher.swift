import Foundation
import Logging
import Registry
import ServiceLifecycle

/// Loads the expectations file at start and again within `interval` of a change. A file that does not parse is
/// reported (logged, and on `/metrics`) and the expectations it declared before stay. Without a file, expectations
/// an earlier run read from one are removed, so none is left that the API cannot change.
struct ExpectationsFileWatcher: Service {
    let registry: WorkerRegistry
    let path: String?
    let interval: Duration
    let logger: Logger
    /// Hears of every attempt: `true` when the file was loaded.
    let onReload: @Sendable (Bool) -> Void

    func run() async throws {
        guard let path else {
            try await registry.store.replaceFileExpectations([])
            try? await gracefulShutdown()  // a service that returns would end the whole group
            return
        }
        try? await cancelWhenGracefulShutdown {
            var loaded = FileStamp.of(path)
            await reload(path)
            while true {
                try await Task.sleep(for: interval)
                let stamp = FileStamp.of(path)
                if stamp != loaded {
                    loaded = stamp
                    await reload(path)
                }
            }
        }
    }

    private func reload(_ path: String) async {
        do {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw EventValidationError(field: "file", message: "cannot be read at \(path)")
            }
            let expectations = try ExpectationsFile.parse(String(decoding: data, as: UTF8.self), since: registry.clock.now())
            try await registry.store.replaceFileExpectations(expectations)
            logger.notice("expectations file loaded", metadata: ["path": "\(path)", "expectations": "\(expectations.count)"])
            onReload(true)
        } catch {
            logger.error("expectations file not loaded; the previous expectations stay", metadata: ["path": "\(path)", "error": "\(error)"])
            onReload(false)
        }
    }
}
