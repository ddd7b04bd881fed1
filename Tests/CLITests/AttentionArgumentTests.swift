import ArgumentParser
import Registry
import Testing

@testable import wokmanager

@Suite("Arguments of problems, ack, expect and silence")
struct AttentionArgumentTests {
    @Test("problems takes several kinds, a group, a state, a time and a format")
    func problems() throws {
        let command = try #require(
            try WokManager.parseAsRoot(["problems", "--kind", "lost", "--kind", "down", "--group", "product", "--state", "all", "--since", "now", "--json"])
                as? WokManager.Problems)
        #expect(command.kind == [.lost, .down])
        #expect(command.group == "product")
        #expect(command.state == .all)
        #expect(command.since == "now")
        #expect(command.format == .json)
        #expect(throws: (any Error).self) { try WokManager.parseAsRoot(["problems", "--kind", "sleepy"]) }
        #expect(throws: (any Error).self) { try WokManager.parseAsRoot(["problems", "--state", "closed"]) }
    }

    @Test("ack takes a positive id and a note")
    func ack() throws {
        let command = try #require(try WokManager.parseAsRoot(["ack", "12", "--note", "on it"]) as? WokManager.Ack)
        #expect(command.id == 12)
        #expect(command.note == "on it")
        #expect(throws: (any Error).self) { try WokManager.parseAsRoot(["ack", "0"]) }
        #expect(throws: (any Error).self) { try WokManager.parseAsRoot(["ack", "twelve"]) }
    }

    @Test("expect set sends the settings given, counts as numbers and the rest as the server reads them")
    func expectSet() throws {
        let command = try #require(
            try WokManager.parseAsRoot([
                "expect", "set", "--group", "product.importer", "--min-running", "2", "--schedule", "0 2 * * *", "--time-zone", "Europe/Paris",
                "--grace", "10m", "--failures", "3 in 1h",
            ]) as? WokManager.Expect.Declare)
        #expect(command.body == [
            "min_running": .integer(2), "schedule": .string("0 2 * * *"), "time_zone": .string("Europe/Paris"), "grace": .string("10m"),
            "failures": .string("3 in 1h"),
        ])
        #expect(try command.target.path(under: "/expectations") == "/expectations/group/product%2Eimporter")
    }

    @Test("expect set and remove, and silence add, need exactly one of --group and --worker, with a valid name")
    func subjects() throws {
        let remove = try #require(try WokManager.parseAsRoot(["expect", "remove", "--worker", "imp 1"]) as? WokManager.Expect.Remove)
        #expect(try remove.target.subject == .worker("imp 1"))
        #expect(try remove.target.path(under: "/expectations") == "/expectations/worker/imp%201")
        for arguments in [
            ["expect", "set", "--min-running", "1"], ["expect", "set", "--group", "a", "--worker", "b", "--min-running", "1"],
            ["expect", "remove", "--group", "a..b"], ["silence", "add", "--for", "2h"],
        ] {
            #expect(throws: (any Error).self, "\(arguments)") { try WokManager.parseAsRoot(arguments) }
        }
    }

    @Test("silence add takes --for or --until, not both, and a note")
    func silenceAdd() throws {
        let command = try #require(try WokManager.parseAsRoot(["silence", "add", "--group", "price", "--for", "2h", "--note", "upgrade"]) as? WokManager.Silence.Add)
        #expect(try command.body == ["group": .string("price"), "until": .string("2h"), "note": .string("upgrade")])
        let until = try #require(try WokManager.parseAsRoot(["silence", "add", "--worker", "w1", "--until", "2030-01-01T00:00:00Z"]) as? WokManager.Silence.Add)
        #expect(try until.body == ["worker": .string("w1"), "until": .string("2030-01-01T00:00:00Z")])
        #expect(throws: (any Error).self) { try WokManager.parseAsRoot(["silence", "add", "--group", "price"]) }
        #expect(throws: (any Error).self) { try WokManager.parseAsRoot(["silence", "add", "--group", "price", "--for", "2h", "--until", "2030-01-01T00:00:00Z"]) }
    }

    @Test("silence list takes --all; silence end a positive id")
    func silenceListAndEnd() throws {
        #expect((try WokManager.parseAsRoot(["silence", "list", "--all"]) as? WokManager.Silence.List)?.all == true)
        #expect((try WokManager.parseAsRoot(["silence", "list"]) as? WokManager.Silence.List)?.all == false)
        #expect((try WokManager.parseAsRoot(["silence", "end", "4"]) as? WokManager.Silence.End)?.id == 4)
        #expect(throws: (any Error).self) { try WokManager.parseAsRoot(["silence", "end", "-4"]) }
    }
}
