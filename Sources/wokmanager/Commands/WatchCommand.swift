import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import Registry

extension WokManager {
    /// `wokmanager watch`: changes as they happen, a line each, like `kubectl get -w`.
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print state changes, errors, messages and problems as they happen (Ctrl-C to stop).",
            discussion: "Follows the server's GET /stream; after a dropped connection it reconnects and goes on where it was.")

        @OptionGroup var server: ClientOptions
        @Option(help: "A group and everything below it (product), or a glob (product.*).") var group: String?
        @Option(help: "Only these kinds: state, error, message, problem (repeat, or comma-separate).") var kinds: [String] = []
        @Flag(help: "Print each event's JSON, a line each.") var json = false

        func run() async throws {
            let client = try server.client()
            var query = URLComponents()
            query.queryItems = [group.map { URLQueryItem(name: "group", value: $0) }, kinds.isEmpty ? nil : URLQueryItem(name: "kinds", value: kinds.joined(separator: ","))]
                .compactMap { $0 }
            let url = client.base.appendingPathComponent("stream").absoluteString + (query.percentEncodedQuery.map { "?" + $0 } ?? "")
            let text = TerminalText(colour: TerminalText.wantsColour())
            var lastID: String?
            while true {
                do {
                    try await follow(url, client: client, lastID: &lastID) { event in
                        // Written at once (print would hold lines back in a pipe).
                        FileHandle.standardOutput.write(Data(((json ? event.data : WatchLine.text(event, text: text)) + "\n").utf8))
                    }
                    FileHandle.standardError.write(Data("wokmanager: the stream ended; reconnecting\n".utf8))
                } catch let error as ClientError where !error.isConnectionFailure {
                    FileHandle.standardError.write(Data("wokmanager: \(error.description)\n".utf8))
                    throw ExitCode.failure
                } catch {
                    FileHandle.standardError.write(Data("wokmanager: cannot reach \(client.base.absoluteString) (\(error)); retrying\n".utf8))
                }
                try await Task.sleep(for: .seconds(2))
            }
        }

        /// Reads one connection to the stream, handing each event to `handle`, until it ends.
        private func follow(_ url: String, client: APIClient, lastID: inout String?, _ handle: (ServerSentEvents.Event) -> Void) async throws {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: "text/event-stream")
            if let apiKey = client.apiKey { request.headers.add(name: "X-API-Key", value: apiKey) }
            if let lastID { request.headers.add(name: "Last-Event-ID", value: lastID) }
            let response = try await client.http.execute(request, timeout: .hours(24 * 365))
            guard response.status == .ok else {
                let body = try await response.body.collect(upTo: 64 << 10)
                let message = (try? JSONDecoder().decode(ErrorAnswer.self, from: Data(buffer: body)))?.error.message ?? "HTTP \(response.status.code)"
                throw ClientError(description: "the server answered \(response.status.code): \(message)", isConnectionFailure: response.status.code >= 500)
            }
            var events = ServerSentEvents()
            for try await piece in response.body {
                for event in events.feed(piece.readableBytesView) {
                    if let id = event.id { lastID = id }
                    handle(event)
                }
            }
        }

        private struct ErrorAnswer: Decodable {
            struct Detail: Decodable { let message: String }
            let error: Detail
        }
    }
}

/// One event of the stream as a line for a terminal; whatever a worker sent is escaped.
enum WatchLine {
    static func text(_ event: ServerSentEvents.Event, text: TerminalText) -> String {
        let data = Data(event.data.utf8)
        switch event.name {
        case "problem":
            guard let problem = try? APIClient.decoder.decode(Problem.self, from: data) else { return TerminalText.escaped(event.data) }
            let at = problem.resolvedAt ?? problem.acknowledgement?.at ?? problem.openedAt
            let change = problem.resolvedAt != nil ? "resolved" : problem.acknowledgement != nil ? "acknowledged" : "opened"
            return columns(at, problem.group, problem.subject.name, "problem", "\(problem.kind.rawValue) \(change)" + (problem.detail.map { ": " + $0 } ?? ""))
        default:
            guard let entry = try? APIClient.decoder.decode(HistoryEntry.self, from: data) else { return TerminalText.escaped(event.data) }
            let what: String
            if let status = entry.status {
                what = text.word(status) + "  after " + entry.event.rawValue + (entry.exitCode.map { " (exit \($0))" } ?? "")
                    + (entry.message.map { ": " + TerminalText.escaped($0) } ?? "")
            } else {
                what = entry.event.rawValue + "  " + TerminalText.escaped(entry.message ?? "") + (entry.action.map { " (" + TerminalText.escaped($0) + ")" } ?? "")
            }
            return [RFC3339.format(entry.at), TerminalText.escaped(entry.group), TerminalText.escaped(entry.workerID), what].joined(separator: "  ")
        }
    }

    private static func columns(_ at: Date, _ group: String, _ subject: String, _ kind: String, _ detail: String) -> String {
        [RFC3339.format(at), TerminalText.escaped(group), TerminalText.escaped(subject), kind, TerminalText.escaped(detail)].joined(separator: "  ")
    }
}
