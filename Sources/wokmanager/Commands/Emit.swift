import ArgumentParser
import Foundation
import Registry

extension WorkerStatus: ExpressibleByArgument {}
extension EventKind: ExpressibleByArgument {}

extension WokManager {
    /// `wokmanager emit EVENT --id ID --group G`: sends one event, for shell scripts.
    struct Emit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send one event (started, heartbeat, message, error, stopped).",
            discussion: "Example: wokmanager emit error --id Importer01 --group product.importer --message 'row 17 bad' --action skipped")

        @OptionGroup var server: ClientOptions
        @Argument(help: "started, heartbeat, message, error or stopped.") var event: EventKind
        @OptionGroup var worker: WorkerOptions
        @Option(help: "Status text (message) or error text (error).") var message: String?
        @Option(help: "What the worker did about an error: logged, retried, skipped, aborted.") var action: String?
        @Option(help: "Exit code, with stopped; non-zero means failed.") var exitCode: Int?

        func validate() throws {
            if event == .error && message == nil { throw ValidationError("an error event needs --message") }
        }

        func run() async throws {
            var body = worker.body(event: event)
            if let message { body["message"] = .string(message) }
            if let action { body["action"] = .string(action) }
            if let exitCode { body["exit_code"] = .integer(exitCode) }
            let client = try server.client()
            let answer = try await failing { try await client.post(event: body) }
            print("\(TerminalText.escaped(answer.id)): \(answer.status.rawValue)" + (answer.late ? " (late event: kept in history only)" : ""))
        }
    }
}

/// The worker an event is about, shared by `emit` and `run`.
struct WorkerOptions: ParsableArguments {
    @Option(help: "The worker's id.") var id: String
    @Option(help: "The worker's dotted group (product.importer).") var group: String
    @Option(help: "Seconds without an event after which the worker counts as lost.") var ttl: Double?

    func validate() throws {
        do {
            try Identifiers.validateID(id)
            try Identifiers.validateGroup(group)
        } catch {
            throw ValidationError("--\(error.field) \(error.message)")
        }
    }

    func body(event: EventKind) -> [String: JSONValue] {
        var body: [String: JSONValue] = ["id": .string(id), "group": .string(group), "event": .string(event.rawValue)]
        if let ttl { body["ttl"] = .number(ttl) }
        return body
    }
}
