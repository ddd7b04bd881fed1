import Logging
import ServiceLifecycle

/// Reads the keys file again every few seconds when it has changed, so `wokmanager keys add` and
/// `remove` take effect on a running server. A file that fails to parse leaves the keys in use as they were.
struct KeysFileWatcher: Service {
    let keys: KeyRing
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: interval)
                do {
                    if let count = try keys.reloadIfChanged() {
                        logger.notice("keys file changed; keys reloaded", metadata: ["keys": "\(count)"])
                    }
                } catch {
                    logger.error("keys file not reloaded; the previous keys stay in use", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
