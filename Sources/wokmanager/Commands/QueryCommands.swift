import ArgumentParser
import Foundation
import Registry

/// Prints a client failure as one line and exits non-zero.
func failing<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ClientError {
        FileHandle.standardError.write(Data("wokmanager: \(error.description)\n".utf8))
        throw ExitCode.failure
    }
}

extension WokManager {
    /// `wokmanager workers`: the workers, as a table or JSON.
    struct Workers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List workers.")

        @OptionGroup var server: ClientOptions
        @Option(help: "An id or a glob (Importer*).") var id: String?
        @Option(help: "A group and everything below it (product), or a glob (product.*).") var group: String?
        @Option(help: "Only these statuses (repeat: --status lost --status failed).") var status: [WorkerStatus] = []
        @Flag var format: ListingFormat = .table

        func run() async throws {
            let client = try server.client()
            let workers = try await failing { try await WorkerListing.all(client: client, id: id, group: group, statuses: status) }
            let failures = format == .table ? try await failing { try await FailureReasons.errors(of: workers, client: client) } : [:]
            try format.write(workers) {
                WorkerListing.table(workers, failures: failures, text: TerminalText(colour: TerminalText.wantsColour()))
            }
        }
    }

    /// `wokmanager tree`: the domain tree with counts.
    struct Tree: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the domain tree with counts per status.")

        @OptionGroup var server: ClientOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let root = try await failing { try await server.client().get("/domains", as: DomainNode.self) }
            if json { return print(try JSONOutput.pretty(root)) }
            print(TreeListing.lines(root, text: TerminalText(colour: TerminalText.wantsColour())).joined(separator: "\n"))
        }
    }

    /// `wokmanager errors`: recent errors, newest first.
    struct Errors: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recent errors, newest first.")

        @OptionGroup var server: ClientOptions
        @Option(help: "A group and everything below it, or a glob.") var group: String?
        @Option(help: "Only errors at or after this time (RFC 3339, Unix seconds, or now).") var since: String?
        @Option(help: "Only this worker's errors.") var worker: String?
        @Option(help: "How many (1 to 1000).") var limit = 50
        @Flag var format: ListingFormat = .table

        struct Answer: Codable { let errors: [HistoryEntry] }

        func run() async throws {
            var query = [URLQueryItem(name: "limit", value: String(limit))]
            if let group { query.append(URLQueryItem(name: "group", value: group)) }
            if let since { query.append(URLQueryItem(name: "since", value: since)) }
            if let worker { query.append(URLQueryItem(name: "worker", value: worker)) }
            let answer = try await failing { try await server.client().get(WorkerListing.path("/errors", query), as: Answer.self) }
            try format.write(answer.errors) {
                let text = TerminalText(colour: TerminalText.wantsColour())
                let rows = answer.errors.map { entry in
                    [TerminalText.Cell(text.ago(entry.at)), .init(entry.workerID), .init(entry.group), .init(entry.action ?? ""), .init(entry.message ?? "")]
                }
                return rows.isEmpty ? "No errors." : text.table(header: ["WHEN", "WORKER", "GROUP", "ACTION", "MESSAGE"], rows: rows)
            }
        }
    }

    /// `wokmanager show ID`: one worker in full.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one worker: fields, messages, errors, history.")

        @OptionGroup var server: ClientOptions
        @Argument(help: "The worker's id.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let path = "/workers/" + APIClient.segment(id)
            let detail = try await failing { try await server.client().get(path, as: WorkerDetail.self) }
            if json { return print(try JSONOutput.pretty(detail)) }
            print(WorkerListing.detail(detail, text: TerminalText(colour: TerminalText.wantsColour())))
        }
    }
}
