import Foundation
import Testing

@testable import Registry

/// The ASCII fast path of the id and group checks accepts only what the full rules accept, and the plain names
/// it is there for.
@Suite("Identifier fast path")
struct IdentifierFastPathTests {
    /// Characters at the edges of the rules: spaces, dots, glob characters, a control character, a letter with
    /// and a combining mark without a precomposed form, and ordinary ones.
    private static let alphabet: [String] = ["a", "Z", "0", "-", "_", " ", ".", "*", "?", "[", "]", "\t", "é", "\u{301}", "~", "/"]

    private func idAccepted(_ text: String, byRules: Bool) -> Bool {
        do {
            if byRules { try Identifiers.validateIDByRules(text) } else { try Identifiers.validateID(text) }
            return true
        } catch { return false }
    }

    private func groupAccepted(_ text: String, byRules: Bool) -> Bool {
        do {
            if byRules { try Identifiers.validateGroupByRules(text) } else { try Identifiers.validateGroup(text) }
            return true
        } catch { return false }
    }

    @Test("on 100,000 random names the fast path never accepts what the rules refuse")
    func agreesWithTheRules() {
        var generator = SystemRandomNumberGenerator()
        var fastAccepted = 0
        for _ in 0..<100_000 {
            let length = Int.random(in: 0...(Bool.random(using: &generator) ? 12 : 140), using: &generator)
            let text = (0..<length).map { _ in Self.alphabet.randomElement(using: &generator)! }.joined()
            if Identifiers.isPlainASCII(text, maxSegments: 1, maxSegmentLength: Limits.idLength, dots: false) {
                fastAccepted += 1
                #expect(idAccepted(text, byRules: true), "fast path accepted the id \(text.debugDescription)")
            }
            if text.utf8.count <= Limits.groupLength,
                Identifiers.isPlainASCII(text, maxSegments: Limits.groupDepth, maxSegmentLength: Limits.groupSegmentLength, dots: true)
            {
                #expect(groupAccepted(text, byRules: true), "fast path accepted the group \(text.debugDescription)")
            }
            let ids = (idAccepted(text, byRules: false), idAccepted(text, byRules: true))
            let groups = (groupAccepted(text, byRules: false), groupAccepted(text, byRules: true))
            #expect(ids.0 == ids.1 && groups.0 == groups.1, "the checks differ on \(text.debugDescription)")
        }
        #expect(fastAccepted > 1000)
    }

    @Test("plain ids and groups take the fast path", arguments: ["w000042", "importer-01 eu", "product.importer", "a.b.c.d", "x"])
    func plainNames(_ name: String) {
        #expect(Identifiers.isPlainASCII(name, maxSegments: Limits.groupDepth, maxSegmentLength: Limits.groupSegmentLength, dots: true))
    }
}
