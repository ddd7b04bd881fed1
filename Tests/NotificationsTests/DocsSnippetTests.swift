import Foundation
import Notifications
import Testing

/// The Python verification snippet in docs/notifications.md accepts what the server signs and refuses the rest.
@Suite("Documented signature check")
struct DocsSnippetTests {
    private static let python = "/usr/bin/python3"

    /// The Python block after `<!-- signature-snippet -->` in docs/notifications.md.
    private func snippet() throws -> String {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/notifications.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let marked = try #require(text.range(of: "<!-- signature-snippet -->\n```python\n"))
        let end = try #require(text.range(of: "\n```", range: marked.upperBound..<text.endIndex))
        return String(text[marked.upperBound..<end.lowerBound])
    }

    @Test("the snippet verifies a signature made now, and refuses another secret or body", .enabled(if: FileManager.default.isExecutableFile(atPath: python)))
    func snippetAgrees() throws {
        let body = Data(#"{"id":"42.opened","notifications":[]}"#.utf8)
        let header = WebhookSignature.header(secret: "s3cret", timestamp: Int64(Date().timeIntervalSince1970), body: body)
        let harness = try snippet() + """

            import sys
            body = sys.stdin.buffer.read()
            print(verify(sys.argv[1], body, "s3cret"), verify(sys.argv[1], body, "other"), verify(sys.argv[1], body + b" ", "s3cret"))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = ["-c", harness, header]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(body)
        try input.fileHandleForWriting.close()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(printed.trimmingCharacters(in: .whitespacesAndNewlines) == "True False False")
    }
}
