import ArgumentParser
import Foundation
import Registry

extension ProblemKind: ExpressibleByArgument {}

extension WokManager {
    /// `wokmanager problems`: what needs attention, as a table or JSON.
    struct Problems: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List problems: lost or failed workers, groups short of workers, late, missed or overrunning jobs.",
            discussion: "Open and acknowledged problems unless --state says otherwise; open ones first, each newest first.")

        /// `--state`: one state, or all of them.
        enum StateChoice: String, ExpressibleByArgument, CaseIterable {
            case open, acknowledged, resolved, all
        }

        @OptionGroup var server: ClientOptions
        @Option(help: "Only this kind (repeat: --kind lost --kind down).") var kind: [ProblemKind] = []
        @Option(help: "A group and everything below it, or a glob.") var group: String?
        @Option(help: "Only problems in this state (default: open and acknowledged).") var state: StateChoice?
        @Option(help: "Only problems opened or resolved at or after this time (RFC 3339, Unix seconds, or now).") var since: String?
        @Option(help: "How many (1 to 1000).") var limit = 100
        @Flag var format: ListingFormat = .table

        struct Answer: Codable { let problems: [Problem] }

        func run() async throws {
            var query = [URLQueryItem(name: "limit", value: String(limit))]
            if !kind.isEmpty { query.append(URLQueryItem(name: "kind", value: kind.map(\.rawValue).joined(separator: ","))) }
            if let group { query.append(URLQueryItem(name: "group", value: group)) }
            if let state { query.append(URLQueryItem(name: "state", value: state.rawValue)) }
            if let since { query.append(URLQueryItem(name: "since", value: since)) }
            let answer = try await failing { try await server.client().get(WorkerListing.path("/problems", query), as: Answer.self) }
            try format.write(answer.problems) { ProblemListing.table(answer.problems, text: TerminalText(colour: TerminalText.wantsColour())) }
        }
    }

    /// `wokmanager ack ID`: someone is on it.
    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Acknowledge a problem: it stays listed, no longer red, and notifies no more.",
            discussion: "Needs an admin key. A resolved problem cannot be acknowledged.")

        @OptionGroup var server: ClientOptions
        @Argument(help: "The problem's id (the ID column of `wokmanager problems`).") var id: Int64
        @Option(help: "What you are doing about it.") var note: String?

        func validate() throws {
            guard id > 0 else { throw ValidationError("the id must be a positive whole number") }
        }

        func run() async throws {
            let body = note.map { ["note": JSONValue.string($0)] } ?? [:]
            let problem = try await failing { try await server.client().call("POST", "/problems/\(id)/acknowledge", body: body, as: Problem.self) }
            print("acknowledged problem \(problem.id): \(problem.kind.rawValue) of \(problem.subject.described)")
        }
    }
}
