import ArgumentParser
import Foundation
import Registry

extension WokManager {
    /// `wokmanager silence`: mutes notifications about a group or a worker for a while.
    struct Silence: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add, list and end silences: no notifications about a group or a worker until a time.",
            discussion: "Problems a silence covers stay listed, marked with it. Adding and ending need an admin key.",
            subcommands: [Add.self, List.self, End.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Silence a group (and everything below it) or a worker.")

            @OptionGroup var server: ClientOptions
            @OptionGroup var target: SubjectOptions
            @Option(name: .customLong("for"), help: "How long, from now (2h, 30m, 1d).") var duration: String?
            @Option(help: "Until when (RFC 3339: 2030-01-01T06:00:00Z).") var until: String?
            @Option(help: "Why, for the others.") var note: String?

            func validate() throws {
                guard (duration == nil) != (until == nil) else { throw ValidationError("give exactly one of --for and --until") }
            }

            /// The body of `POST /silences`; the server reads `until` as a duration from now or as a time.
            var body: [String: JSONValue] {
                get throws {
                    let subject = try target.subject
                    var body: [String: JSONValue] = [subject.scope: .string(subject.name), "until": .string(duration ?? until ?? "")]
                    if let note { body["note"] = .string(note) }
                    return body
                }
            }

            func run() async throws {
                let body = try body
                let silence = try await failing { try await server.client().call("POST", "/silences", body: body, as: Registry.Silence.self) }
                print("silence \(silence.id): \(silence.subject.described) until \(RFC3339.format(silence.until))")
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List active silences, newest first.")

            @OptionGroup var server: ClientOptions
            @Flag(help: "Include silences that have ended.") var all = false
            @Flag var format: ListingFormat = .table

            struct Answer: Codable { let silences: [Registry.Silence] }

            func run() async throws {
                let path = all ? "/silences?all=true" : "/silences"
                let answer = try await failing { try await server.client().get(path, as: Answer.self) }
                try format.write(answer.silences) { SilenceListing.table(answer.silences, text: TerminalText(colour: TerminalText.wantsColour())) }
            }
        }

        struct End: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "End a silence now.")

            @OptionGroup var server: ClientOptions
            @Argument(help: "The silence's id (the ID column of `wokmanager silence list`).") var id: Int64

            func validate() throws {
                guard id > 0 else { throw ValidationError("the id must be a positive whole number") }
            }

            func run() async throws {
                try await failing { try await server.client().call("DELETE", "/silences/\(id)") }
                print("ended silence \(id)")
            }
        }
    }
}
