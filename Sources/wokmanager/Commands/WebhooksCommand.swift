import ArgumentParser
import Foundation
import Registry

/// `wokmanager webhooks`: the receivers of problem notifications, kept by the server (an admin key is needed).
struct Webhooks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, set, remove and test the webhooks that are told of problems.",
        discussion: "Every call needs an admin key (--api-key or WOKMANAGER_API_KEY). Secrets are never shown.",
        subcommands: [List.self, Put.self, Remove.self, Deliveries.self, Test.self]
    )

    /// A webhook as the server lists it.
    struct Entry: Codable {
        let name: String
        let url: String
        let format: WebhookFormat
        let group: String?
        let kinds: [ProblemKind]
        let signed: Bool
        let createdAt: Date

        enum CodingKeys: String, CodingKey {
            case name, url, format, group, kinds, signed
            case createdAt = "created_at"
        }
    }

    /// `/webhooks/NAME` and what follows, the name percent-encoded.
    static func path(_ name: String, _ rest: String = "") -> String {
        "/webhooks/" + APIClient.segment(name) + rest
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the webhooks.")

        @OptionGroup var server: ClientOptions
        @Flag var format: ListingFormat = .table

        struct Answer: Codable { let webhooks: [Entry] }

        func run() async throws {
            let webhooks = try await failing { try await server.client().get("/webhooks", as: Answer.self) }.webhooks
            try format.write(webhooks) {
                let rows = webhooks.map { hook in
                    [TerminalText.Cell(hook.name), .init(hook.format.rawValue), .init(hook.group ?? "*"),
                     .init(hook.kinds.isEmpty ? "*" : hook.kinds.map(\.rawValue).joined(separator: ",")), .init(hook.signed ? "yes" : "no"), .init(hook.url)]
                }
                return rows.isEmpty ? "No webhooks." : TerminalText(colour: false).table(header: ["NAME", "FORMAT", "GROUP", "KINDS", "SIGNED", "URL"], rows: rows)
            }
        }
    }

    /// `webhooks set` (`Set` would hide Swift's).
    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Add a webhook, or replace the one of that name.")

        @OptionGroup var server: ClientOptions
        @Argument(help: "The webhook's name (letters, digits, '-', '_', '.'), e.g. oncall-slack.") var name: String
        @Option(name: .customLong("webhook-url"), help: "Where messages are POSTed; for alertmanager, Alertmanager's base URL. (--url is the server's.)")
        var webhookURL: String
        @Option(help: "json, slack or alertmanager.") var format: WebhookFormat = .json
        @Option(help: "Only problems at or below this group.") var group: String?
        @Option(help: "Only these kinds (repeat: --kind lost --kind failed); all by default.") var kind: [ProblemKind] = []
        @Option(help: "Sign json messages with HMAC-SHA256 under this secret.") var secret: String?

        struct Body: Encodable {
            let url: String
            let format: WebhookFormat
            let group: String?
            let kinds: [ProblemKind]
            let secret: String?
        }

        func run() async throws {
            let body = Body(url: webhookURL, format: format, group: group, kinds: kind, secret: secret)
            let hook = try await failing { try await server.client().call("PUT", Webhooks.path(name), body: body, as: Entry.self) }
            print("set \(TerminalText.escaped(hook.name)): \(hook.format.rawValue) to \(TerminalText.escaped(hook.url))" + (hook.signed ? ", signed" : ""))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a webhook with its queued notifications and its delivery log.")

        @OptionGroup var server: ClientOptions
        @Argument(help: "The webhook's name.") var name: String

        struct Answer: Codable { let name: String }

        func run() async throws {
            let answer = try await failing { try await server.client().call("DELETE", Webhooks.path(name), as: Answer.self) }
            print("removed \(TerminalText.escaped(answer.name))")
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a webhook's latest delivery attempts, newest first.")

        @OptionGroup var server: ClientOptions
        @Argument(help: "The webhook's name.") var name: String
        @Option(help: "How many (1 to 1000).") var limit = 20
        @Flag var format: ListingFormat = .table

        struct Answer: Codable { let deliveries: [DeliveryRecord] }

        func run() async throws {
            let path = WorkerListing.path(Webhooks.path(name, "/deliveries"), [URLQueryItem(name: "limit", value: String(limit))])
            let deliveries = try await failing { try await server.client().get(path, as: Answer.self) }.deliveries
            try format.write(deliveries) {
                let text = TerminalText(colour: false)
                let rows = deliveries.map { record in
                    [TerminalText.Cell(text.ago(record.at)), .init(record.delivered ? "delivered" : "failed"), .init(record.statusCode.map(String.init) ?? "-"),
                     .init(String(format: "%.3f s", record.duration)), .init(record.notifications.map(String.init).joined(separator: ",")), .init(record.error ?? "")]
                }
                return rows.isEmpty ? "No deliveries yet." : text.table(header: ["WHEN", "RESULT", "STATUS", "TOOK", "NOTIFICATIONS", "ERROR"], rows: rows)
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a webhook a sample problem now (a failed worker wokmanager-test); exits non-zero when it was not delivered.")

        @OptionGroup var server: ClientOptions
        @Argument(help: "The webhook's name.") var name: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let record = try await failing { try await server.client().call("POST", Webhooks.path(name, "/test"), as: DeliveryRecord.self) }
            if json {
                print(try JSONOutput.pretty(record))
            } else if record.delivered {
                print("delivered to \(TerminalText.escaped(name)) (HTTP \(record.statusCode ?? 0), \(String(format: "%.3f", record.duration)) s)")
            } else {
                print("not delivered to \(TerminalText.escaped(name)): \(TerminalText.escaped(record.error ?? "unknown error"))")
            }
            if !record.delivered { throw ExitCode.failure }
        }
    }
}

extension WebhookFormat: ExpressibleByArgument {}
