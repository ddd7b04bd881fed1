import Foundation
import Registry

extension JSONEncoder {
    /// The encoder of every JSON answer, made once for the whole server (encoding is safe from several threads at
    /// once): times in RFC 3339, UTC with milliseconds; keys sorted; slashes as they are.
    static let answers: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
