import ArgumentParser
import Registry
import Testing

@testable import wokmanager

@Suite("Command-line arguments")
struct ArgumentTests {
    @Test("workers takes an id glob, a group, several statuses and --json")
    func workers() throws {
        let command = try #require(try WokManager.parseAsRoot(["workers", "--id", "Imp*", "--group", "product", "--status", "lost", "--status", "failed", "--json"]) as? WokManager.Workers)
        #expect(command.id == "Imp*")
        #expect(command.group == "product")
        #expect(command.status == [.lost, .failed])
        #expect(command.format == .json)
    }

    @Test("listings print a table unless --json or --jsonl is given, and refuse both")
    func listingFormats() throws {
        #expect((try WokManager.parseAsRoot(["workers"]) as? WokManager.Workers)?.format == .table)
        #expect((try WokManager.parseAsRoot(["workers", "--jsonl"]) as? WokManager.Workers)?.format == .jsonl)
        #expect((try WokManager.parseAsRoot(["errors", "--jsonl"]) as? WokManager.Errors)?.format == .jsonl)
        #expect(throws: (any Error).self) { try WokManager.parseAsRoot(["workers", "--json", "--jsonl"]) }
    }

    @Test("an unknown status is refused with the choices")
    func unknownStatus() {
        #expect(throws: (any Error).self) { try WokManager.parseAsRoot(["workers", "--status", "asleep"]) }
        let message = WokManager.message(for: catchError { _ = try WokManager.parseAsRoot(["workers", "--status", "asleep"]) })
        #expect(message.contains("running"))
    }

    @Test("emit needs a valid id and group, and a message for errors")
    func emit() throws {
        let command = try #require(try WokManager.parseAsRoot(["emit", "stopped", "--id", "a", "--group", "g.h", "--exit-code", "3", "--ttl", "30"]) as? WokManager.Emit)
        #expect(command.event == .stopped)
        #expect(command.exitCode == 3)
        #expect(command.worker.body(event: .stopped)["ttl"] == .number(30))
        #expect(throws: (any Error).self) { try WokManager.parseAsRoot(["emit", "error", "--id", "a", "--group", "g"]) }
        #expect(throws: (any Error).self) { try WokManager.parseAsRoot(["emit", "started", "--id", "a", "--group", "g..h"]) }
        #expect(throws: (any Error).self) { try WokManager.parseAsRoot(["emit", "exploded", "--id", "a", "--group", "g"]) }
    }

    @Test("run passes everything after -- to the program, options included")
    func runCommand() throws {
        let command = try #require(
            try WokManager.parseAsRoot(["run", "--id", "job", "--group", "cron", "--ttl", "10", "--", "sh", "-c", "exit 3", "--id", "x"]) as? WokManager.Run)
        #expect(command.command == ["sh", "-c", "exit 3", "--id", "x"])
        #expect(command.worker.ttl == 10)
        #expect(throws: (any Error).self) { try WokManager.parseAsRoot(["run", "--id", "job", "--group", "cron"]) }
    }

    @Test("the server address comes from --url, then WOKMANAGER_URL, and must be http(s)")
    func serverAddress() throws {
        let options = try ClientOptions.parse(["--url", "http://10.0.0.1:5000", "--api-key", "k"])
        #expect(try options.client(setting: Setting(environment: [:])).base.absoluteString == "http://10.0.0.1:5000")
        let fromEnvironment = try ClientOptions.parse([])
        let client = try fromEnvironment.client(setting: Setting(environment: ["WOKMANAGER_URL": "https://wm.example", "WOKMANAGER_API_KEY": "e"]))
        #expect(client.base.absoluteString == "https://wm.example")
        #expect(client.apiKey == "e")
        #expect(try fromEnvironment.client(setting: Setting(environment: [:])).base.absoluteString == "http://127.0.0.1:5000")
        #expect(throws: (any Error).self) { try ClientOptions.parse(["--url", "ftp://x"]).client(setting: Setting(environment: [:])) }
    }

    private func catchError(_ body: () throws -> Void) -> any Error {
        do {
            try body()
            return CancellationError()
        } catch {
            return error
        }
    }
}
