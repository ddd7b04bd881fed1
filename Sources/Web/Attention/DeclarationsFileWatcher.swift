import Foundation
import Logging
import Registry
import ServiceLifecycle

/// Loads a declarative file (the expectations file, the webhooks file) at start and again within `interval` of a
/// change. A file that does not parse is reported (logged, and on `/metrics`) and what it declared before stays.
/// Without a file, what an earlier run read from one is removed, so nothing is left that the API cannot change.
struct DeclarationsFileWatcher: Service, CustomStringConvertible {
    /// What the file declares, plural (`expectations`), for the log.
    let what: String
    let path: String?
    let interval: Duration
    let logger: Logger
    /// Puts the declarations of `text` in force (`nil`: there is no file, so none); returns how many there are.
    let apply: @Sendable (_ text: String?) async throws -> Int
    /// Hears of every attempt: `true` when the file was loaded.
    let onReload: @Sendable (Bool) -> Void

    var description: String { "DeclarationsFileWatcher(\(what))" }

    func run() async throws {
        guard let path else {
            _ = try await apply(nil)
            try? await gracefulShutdown()  // a service that returns would end the whole group
            return
        }
        try? await cancelWhenGracefulShutdown {
            var loaded = FileStamp.of(path)
            await reload(path)
            while true {
                try await Task.sleep(for: interval)
                let stamp = FileStamp.of(path)
                // A file that does not parse waits for its next change; a store that failed is tried again.
                if stamp != loaded, await reload(path) != .storeFailed {
                    loaded = stamp
                }
            }
        }
    }

    private enum Outcome {
        case loaded, refused, storeFailed
    }

    /// The text of the declarative file at `path`, or the refusal of `file` a watcher and `config check` report.
    static func text(at path: String) throws(EventValidationError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EventValidationError(field: "file", message: "cannot be read at \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    @discardableResult
    private func reload(_ path: String) async -> Outcome {
        do {
            let count = try await apply(try Self.text(at: path))
            logger.notice("\(what) file loaded", metadata: ["path": "\(path)", "\(what)": "\(count)"])
            onReload(true)
            return .loaded
        } catch {
            logger.error("\(what) file not loaded; the previous \(what) stay", metadata: ["path": "\(path)", "error": "\(error)"])
            onReload(false)
            return error is EventValidationError ? .refused : .storeFailed
        }
    }
}
