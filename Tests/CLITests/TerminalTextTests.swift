import Foundation
import Registry
import Testing

@testable import wokmanager

@Suite("Terminal output")
struct TerminalTextTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func worker(_ id: String, _ status: WorkerStatus, seenAgo seconds: Double, message: String? = nil) -> Worker {
        let seen = now.addingTimeInterval(-seconds)
        return Worker(id: id, group: "product.importer", status: status, statusSince: seen, runStartedAt: seen, lastSeen: seen,
                      lastReceivedAt: seen, host: "box1", message: message)
    }

    @Test("columns are aligned, statuses are words, times are relative")
    func table() {
        let text = TerminalText(colour: false, now: now)
        let output = WorkerListing.table([worker("Importer01", .running, seenAgo: 12), worker("w2", .lost, seenAgo: 7200)], text: text)
        #expect(output == """
            ID          GROUP             STATUS   LAST SEEN  HOST  MESSAGE
            Importer01  product.importer  running  12s ago    box1  
            w2          product.importer  lost     2h ago     box1  
            """)
    }

    @Test("colour only when asked: on a terminal and without NO_COLOR")
    func colour() {
        #expect(TerminalText.wantsColour(environment: [:], isTerminal: true))
        #expect(!TerminalText.wantsColour(environment: ["NO_COLOR": "1"], isTerminal: true))
        #expect(!TerminalText.wantsColour(environment: [:], isTerminal: false))
        let coloured = TerminalText(colour: true, now: now)
        #expect(coloured.word(.failed) == "\u{1B}[31mfailed\u{1B}[0m")
        let table = WorkerListing.table([worker("a", .failed, seenAgo: 1)], text: coloured)
        // Padding counts the visible word only, so columns stay aligned with colour on.
        #expect(table.contains("\u{1B}[31mfailed\u{1B}[0m  1s ago"))
        #expect(TerminalText(colour: false, now: now).word(.failed) == "failed")
    }

    @Test("line breaks and escape sequences a worker sent are shown as a shell writes them, not obeyed")
    func hostileText() {
        #expect(TerminalText.escaped("sh exited with status 3:\nboom") == "sh exited with status 3:\\nboom")
        #expect(TerminalText.escaped("red \u{1B}[31m\r\n\tnext\u{7}\u{7F}") == "red \\x1b[31m\\r\\n\\tnext\\x07\\x7f")
        #expect(TerminalText.escaped("\u{9B}31m \u{85} \u{202E}exe \u{2028} \u{200B} \u{E0001}") == "\\x9b31m \\x85 \\u202eexe \\u2028 \\u200b \\U000e0001")
        #expect(TerminalText.escaped(#"C:\new ünïcode ⏎ 😀"#) == #"C:\new ünïcode ⏎ 😀"#)
        let output = WorkerListing.table([worker("x\u{1B}]0;pwned\u{7}", .running, seenAgo: 1, message: "a\r\nb")], text: TerminalText(colour: false, now: now))
        #expect(!output.contains("\u{1B}"))
        #expect(!output.contains("\r"))
        #expect(output.split(separator: "\n").count == 2)
        #expect(output.contains(#"x\x1b]0;pwned\x07"#) && output.hasSuffix(#"a\r\nb"#))
    }

    @Test("a failed worker's MESSAGE says why: the exit code and the error that ended its run")
    func failureReasons() {
        var exited = worker("job-3", .failed, seenAgo: 1, message: "importing")
        exited.exitCode = 3
        var aborted = worker("py", .failed, seenAgo: 1)
        aborted.exitCode = 0  // an aborted error, then a clean stop: still failed
        var silent = worker("job-9", .failed, seenAgo: 1, message: "importing")
        silent.exitCode = 9
        let running = worker("ok", .running, seenAgo: 1, message: "importing")
        func error(_ id: String, _ message: String) -> HistoryEntry {
            HistoryEntry(workerID: id, group: "product.importer", event: .error, status: nil, at: now, receivedAt: now, message: message, action: "aborted")
        }
        let table = WorkerListing.table(
            [exited, aborted, silent, running], failures: ["job-3": error("job-3", "sh exited with status 3:\nboom"), "py": error("py", "ValueError: bad")],
            text: TerminalText(colour: false, now: now))
        let messages = table.split(separator: "\n").dropFirst().map { $0.split(separator: "  ").last.map(String.init) }
        #expect(messages == [#"exit 3: sh exited with status 3:\nboom"#, "ValueError: bad", "exit 9", "importing"])
    }

    @Test("the tree lists every node with its worst status and counts")
    func tree() {
        let root = DomainNode.tree(from: [
            GroupCount(group: "product.importer", status: .running, count: 2), GroupCount(group: "price", status: .failed, count: 1),
        ])
        #expect(TreeListing.lines(root, text: TerminalText(colour: false, now: now)) == [
            "price failed  running 0, lost 0, failed 1, stopped 0",
            "product running  running 2, lost 0, failed 0, stopped 0",
            "  importer running  running 2, lost 0, failed 0, stopped 0",
        ])
    }
}
