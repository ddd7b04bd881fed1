import Foundation
import Registry
import Testing

@testable import Web

/// The declarative expectations file: YAML read into the same model as the API's, errors naming entry and field.
@Suite("Expectations file")
struct ExpectationsFileTests {
    private let since = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("groups and workers with their fields, in the file's order")
    func parses() throws {
        let yaml = """
            expectations:
              - group: product.importer
                min_running: 8
              - worker: nightly-export
                schedule: "0 2 * * *"
                time_zone: Europe/Paris
                grace: 30m
                max_runtime: 2h
            """
        let expectations = try ExpectationsFile.parse(yaml, since: since)
        #expect(expectations.map(\.subject) == [.group("product.importer"), .worker("nightly-export")])
        #expect(expectations.allSatisfy { $0.source == .file && $0.since == since })
        #expect(expectations[0].minRunning == 8)
        #expect(expectations[1].grace == 1800 && expectations[1].maxRuntime == 7200)
        #expect(try ExpectationsFile.parse("", since: since).isEmpty, "an empty file declares nothing")
    }

    @Test("a mistake names the entry and the field", arguments: [
        ("expectations:\n  - group: a\n    min_running: x\n", "expectations[0].min_running"),
        ("expectations:\n  - group: a\n    min_running: 1\n  - worker: b\n    schedule: '* * *'\n", "expectations[1].schedule"),
        ("expectations:\n  - min_running: 1\n", "expectations[0].group"),
        ("expectations:\n  - group: a\n    worker: b\n    min_running: 1\n", "expectations[0].group"),
        ("expectations:\n  - group: a\n    min_running: 1\n  - group: a\n    min_running: 2\n", "expectations[1].group"),
        ("expectations:\n  - group: 'a..b'\n    min_running: 1\n", "expectations[0].group"),
        ("expectations: [unclosed\n", "file"),
    ])
    func refusals(_ yaml: String, _ field: String) {
        #expect(throws: EventValidationError.self) { try ExpectationsFile.parse(yaml, since: since) }
        do {
            _ = try ExpectationsFile.parse(yaml, since: since)
        } catch {
            #expect(error.field == field)
        }
    }
}
