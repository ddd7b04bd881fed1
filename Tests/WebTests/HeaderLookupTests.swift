import HTTPTypes
import Testing
@testable import Web

/// The allocation-free header lookups on every request's path answer exactly as the library's.
@Suite("Header lookups")
struct HeaderLookupTests {
    @Test("a field's value equals the joined subscript: absent, sent once, sent twice, named in any case")
    func valueEqualsSubscript() throws {
        let apiKey = try #require(HTTPField.Name("X-API-Key"))
        let fields: [HTTPFields] = [
            [:],
            [apiKey: "secret"],
            HTTPFields([
                HTTPField(name: apiKey, value: "first"), HTTPField(name: .accept, value: "*/*"),
                HTTPField(name: try #require(HTTPField.Name("x-api-key")), value: "second"),
            ]),
        ]
        for headers in fields {
            #expect(headers.value(of: apiKey) == headers[apiKey])
            #expect(headers.value(of: .authorization) == headers[.authorization])
        }
        #expect(fields[2].value(of: apiKey) == "first, second")
    }

    @Test("a media type's prefix ignores the case of ASCII letters only, and a shorter type never matches")
    func mediaTypePrefix() {
        #expect(CompressionPolicy.startsWithIgnoringCase("Application/JSON; charset=utf-8", "application/json"))
        #expect(CompressionPolicy.startsWithIgnoringCase("TEXT/Event-Stream", "text/event-stream"))
        #expect(CompressionPolicy.startsWithIgnoringCase("text/html", "text/"))
        #expect(!CompressionPolicy.startsWithIgnoringCase("tex", "text/"))
        #expect(!CompressionPolicy.startsWithIgnoringCase("image/png", "image/svg+xml"))
        #expect(!CompressionPolicy.startsWithIgnoringCase("text\u{0F}", "text/"))
    }
}
