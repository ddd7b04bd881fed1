import Foundation
import Registry
import Testing

@testable import wokmanager

@Suite("Tables of problems, expectations and silences, from the server's JSON")
struct AttentionListingTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z

    private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try APIClient.decoder.decode(T.self, from: Data(json.utf8))
    }

    private var problems: [Problem] {
        get throws {
            try decode(WokManager.Problems.Answer.self, """
                {"problems": [
                  {"id": 9, "kind": "down", "group": "product.importer", "state": "open", "opened_at": "2027-01-15T07:55:00.000Z",
                   "resolved_at": null, "resolution": null, "acknowledgement": null, "detail": "0 running, at least 2 expected", "silenced_by": 3},
                  {"id": 4, "kind": "lost", "group": "product.importer", "worker": "imp-1", "state": "acknowledged",
                   "opened_at": "2027-01-15T06:00:00.000Z", "resolved_at": null, "resolution": null,
                   "acknowledgement": {"by": "alice", "at": "2027-01-15T07:58:30.000Z", "note": "rebooting box1"},
                   "detail": "no sign of life for 90s", "silenced_by": null},
                  {"id": 2, "kind": "failed", "group": "cron", "worker": "job-3", "state": "resolved", "opened_at": "2027-01-12T08:00:00.000Z",
                   "resolved_at": "2027-01-15T07:58:30.000Z", "resolution": "worker running again", "acknowledgement": null,
                   "detail": "exit 3", "silenced_by": null}
                ]}
                """).problems
        }
    }

    @Test("problems: id, kind, subject, group, age, state with who acknowledged and the silence, detail")
    func problemTable() throws {
        let output = ProblemListing.table(try problems, text: TerminalText(colour: false, now: now))
        #expect(output == """
            ID  KIND    SUBJECT           GROUP             SINCE   STATE                  DETAIL
            9   down    product.importer  product.importer  5m ago  open, silenced (#3)    0 running, at least 2 expected
            4   lost    imp-1             product.importer  2h ago  acknowledged by alice  no sign of life for 90s; note: rebooting box1
            2   failed  job-3             cron              3d ago  resolved 1m ago        exit 3; resolved: worker running again
            """)
        #expect(ProblemListing.table([], text: TerminalText(colour: false, now: now)) == "No problems.")
    }

    @Test("with colour, a problem nobody acknowledged is bold red, the others dim")
    func problemColours() throws {
        let lines = ProblemListing.table(try problems, text: TerminalText(colour: true, now: now)).split(separator: "\n")
        #expect(lines[0].hasPrefix("ID  KIND"))
        #expect(lines[1].hasPrefix("\u{1B}[1;31m9\u{1B}[0m   \u{1B}[1;31mdown\u{1B}[0m"))
        #expect(lines[2].hasPrefix("\u{1B}[2m4\u{1B}[0m   \u{1B}[2mlost\u{1B}[0m"))
        #expect(lines[3].hasPrefix("\u{1B}[2m2\u{1B}[0m"))
    }

    @Test("what a worker sent is escaped in the problems table")
    func hostileDetail() throws {
        var problem = try #require(try problems.first)
        problem.detail = "boom\n\u{1B}[2J"
        #expect(ProblemListing.table([problem], text: TerminalText(colour: false, now: now)).hasSuffix(#"boom\n\x1b[2J"#))
    }

    private let expectationsJSON = """
        {"expectations": [
          {"group": "product.importer", "grace": "5m", "min_running": 2, "since": "2027-01-15T07:55:00.000Z", "source": "api"},
          {"failures": "3 in 1h", "grace": "10m", "max_runtime": "2h", "schedule": "0 2 * * *", "since": "2027-01-12T08:00:00.000Z",
           "source": "file", "time_zone": "Europe/Paris", "worker": "job-3"}
        ]}
        """

    @Test("expectations: the subject, the settings it makes, where it comes from")
    func expectationTable() throws {
        let entries = try decode(WokManager.Expect.List.Answer.self, expectationsJSON).expectations
        #expect(ExpectationListing.table(entries, text: TerminalText(colour: false, now: now)) == """
            SUBJECT                 SETTINGS                                                                        SOURCE  SINCE
            group product.importer  min_running 2, grace 5m                                                         api     5m ago
            worker job-3            schedule 0 2 * * * (Europe/Paris), grace 10m, max_runtime 2h, failures 3 in 1h  file    3d ago
            """)
        #expect(ExpectationListing.table([], text: TerminalText(colour: false, now: now)) == "No expectations.")
    }

    @Test("expect list --json gives back exactly the fields the server sent")
    func expectationJSON() throws {
        let entries = try decode(WokManager.Expect.List.Answer.self, expectationsJSON).expectations
        let printed = try JSONSerialization.jsonObject(with: Data(try JSONOutput.pretty(entries).utf8)) as? NSArray
        let sent = try JSONSerialization.jsonObject(with: Data(expectationsJSON.utf8)) as? NSDictionary
        #expect(printed == sent?["expectations"] as? NSArray)
    }

    @Test("silences: the subject, how long is left (or since when it ended), who, why")
    func silenceTable() throws {
        let silences = try decode(WokManager.Silence.List.Answer.self, """
            {"silences": [
              {"id": 3, "group": "price", "until": "2027-01-15T10:00:00.000Z", "note": "upgrade", "author": "alice", "created_at": "2027-01-15T07:55:00.000Z"},
              {"id": 1, "worker": "w1", "until": "2027-01-15T07:55:00.000Z", "note": null, "author": "key-1", "created_at": "2027-01-15T06:00:00.000Z"}
            ]}
            """).silences
        #expect(SilenceListing.table(silences, text: TerminalText(colour: false, now: now)) == [
            "ID  SUBJECT      UNTIL         BY     NOTE",
            "3   group price  in 2h         alice  upgrade",
            "1   worker w1    ended 5m ago  key-1  ",
        ].joined(separator: "\n"))
        #expect(SilenceListing.table(silences, text: TerminalText(colour: true, now: now)).hasSuffix("\u{1B}[2mkey-1\u{1B}[0m  "))
    }

    @Test("time left is to the nearest unit, so a silence of two hours shows 2h at once; time past is whole units")
    func timeLeft() {
        let text = TerminalText(colour: false, now: now)
        #expect(text.ahead(now.addingTimeInterval(7199)) == "in 2h")
        #expect(text.ahead(now.addingTimeInterval(4000)) == "in 1h")
        #expect(text.ahead(now.addingTimeInterval(45)) == "in 45s")
        #expect(text.ahead(now.addingTimeInterval(-7199)) == "ended 1h ago")
        #expect(text.ago(now.addingTimeInterval(-0.5)) == "just now")
    }
}
