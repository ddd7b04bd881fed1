import ArgumentParser
import Foundation
import Registry

extension WokManager {
    /// `wokmanager expect`: what should be true of a group or a worker.
    struct Expect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set, list and remove expectations: how many workers should run, when jobs should start, how long they may take.",
            discussion: """
                Each setting of an expectation is taken from the nearest expectation that sets it: the worker's own, then its \
                group's, then the groups above. min_running, max_running and schedules are about their own subject's subtree. \
                Setting and removing need an admin key; expectations from the server's expectations file cannot be changed here.
                """,
            subcommands: [Declare.self, List.self, Remove.self])

        /// `expect set`: replaces the subject's expectation with the settings given.
        struct Declare: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "set", abstract: "Set the expectation of a group or a worker (replacing any it had).")

            @OptionGroup var server: ClientOptions
            @OptionGroup var target: SubjectOptions
            @Option(help: "At least this many workers running at or below the group (degraded below, down at none).") var minRunning: Int?
            @Option(help: "At most this many workers running (degraded above).") var maxRunning: Int?
            @Option(help: "When runs should start: a cron expression of 5 fields ('0 2 * * *').") var schedule: String?
            @Option(help: "The schedule's time zone (Europe/Paris; default UTC).") var timeZone: String?
            @Option(help: "Runs should start this often (15m), instead of a schedule.") var every: String?
            @Option(help: "How late a start may be and still count as on time (default 5m).") var grace: String?
            @Option(help: "A run lasting longer than this is an overrun (2h).") var maxRuntime: String?
            @Option(help: "A lost or failed problem here resolves by itself this long after it opened (ephemeral workers).") var resolveAfter: String?
            @Option(help: "Open a failed problem only after this many failed runs within a window ('3 in 1h').") var failures: String?

            /// The body of `PUT /expectations/{scope}/{name}`: the settings given, for the server to check.
            var body: [String: JSONValue] {
                let counts = [("min_running", minRunning), ("max_running", maxRunning)].compactMap { name, value in value.map { (name, JSONValue.integer($0)) } }
                let texts = [
                    ("schedule", schedule), ("time_zone", timeZone), ("every", every), ("grace", grace), ("max_runtime", maxRuntime),
                    ("resolve_after", resolveAfter), ("failures", failures),
                ].compactMap { name, value in value.map { (name, JSONValue.string($0)) } }
                return Dictionary(uniqueKeysWithValues: counts + texts)
            }

            func run() async throws {
                let path = try target.path(under: "/expectations")
                let entry = try await failing { try await server.client().call("PUT", path, body: body, as: ExpectationEntry.self) }
                print(TerminalText.escaped("\(entry.subject): \(entry.settings)"))
            }
        }

        /// `expect list`: every expectation, from the API and from the expectations file.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List expectations, with where each comes from.")

            @OptionGroup var server: ClientOptions
            @Flag var format: ListingFormat = .table

            struct Answer: Codable { let expectations: [ExpectationEntry] }

            func run() async throws {
                let answer = try await failing { try await server.client().get("/expectations", as: Answer.self) }
                try format.write(answer.expectations) {
                    ExpectationListing.table(answer.expectations, text: TerminalText(colour: TerminalText.wantsColour()))
                }
            }
        }

        /// `expect remove`: the subject expects nothing of its own any more.
        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove the expectation of a group or a worker.")

            @OptionGroup var server: ClientOptions
            @OptionGroup var target: SubjectOptions

            func run() async throws {
                let path = try target.path(under: "/expectations")
                try await failing { try await server.client().call("DELETE", path) }
                print("removed the expectation of \(try target.subject.described)")
            }
        }
    }
}
