import Foundation
import Registry
import Testing

@testable import wokmanager

@Suite("--json and --jsonl output")
struct JSONOutputTests {
    private struct Sample: Encodable {
        let name: String
        let tags: [String]
        let labels: [String: String]
        let count: Int
    }

    private let sample = Sample(name: #"a "quoted" {x}, [y]: z\"#, tags: ["t1", "t2"], labels: [:], count: 2)

    @Test("--json is laid out as jq does: sorted keys, \"key\": value, two spaces, [] and {} when empty")
    func pretty() throws {
        #expect(try JSONOutput.pretty([Sample]()) == "[]")
        #expect(try JSONOutput.pretty(sample) == #"""
            {
              "count": 2,
              "labels": {},
              "name": "a \"quoted\" {x}, [y]: z\\",
              "tags": [
                "t1",
                "t2"
              ]
            }
            """#)
        #expect(try JSONOutput.pretty([[1], [2]]) == "[\n  [\n    1\n  ],\n  [\n    2\n  ]\n]")
    }

    @Test("--jsonl writes one compact object per line, and no line when nothing matches")
    func lines() throws {
        #expect(try JSONOutput.lines([sample, sample]) == Array(repeating: #"{"count":2,"labels":{},"name":"a \"quoted\" {x}, [y]: z\\","tags":["t1","t2"]}"#, count: 2))
        #expect(try JSONOutput.lines([Sample]()) == [])
    }

    @Test("characters that could steer a terminal are \\u escapes in both, and the value parses back the same")
    func unsafeCharacters() throws {
        let hostile = "m\u{1B}]0;x\u{7}\r\n\u{9B}31m \u{85} \u{2028} \u{202E} \u{E0001} ünïcode"
        let outputs = [try JSONOutput.pretty([hostile]), try JSONOutput.lines([[hostile]])[0]]
        for output in outputs {
            #expect(!output.unicodeScalars.contains { $0 != "\n" && EscapedText.isUnsafe($0) })
            #expect(output.contains(#"\u009b31m \u0085 \u2028 \u202e \udb40\udc01 ünïcode"#))
            #expect(try JSONDecoder().decode([String].self, from: Data(output.utf8)) == [hostile])
        }
    }
}
