import Foundation
import Registry

/// JSON for `--json` and `--jsonl`, written the way `jq` writes it: keys sorted, `"key": value`, two-space
/// indentation, `[]` and `{}` for empty ones; or one compact value per line. Every character that could steer
/// a terminal is a `\u` escape, so the output is safe to print and parses back to exactly what the server sent.
enum JSONOutput {
    /// `value` laid out over indented lines, as `jq .` does.
    static func pretty(_ value: some Encodable) throws -> String {
        safe(layout(try compact(value)))
    }

    /// Each of `values` as one compact line (JSON Lines), as `jq -c '.[]'` does; no line for no values.
    static func lines(_ values: [some Encodable]) throws -> [String] {
        try values.map { safe(String(decoding: try compact($0), as: UTF8.self)) }
    }

    private static func compact(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        return try encoder.encode(value)
    }

    /// Compact JSON re-indented. Outside strings compact JSON holds only punctuation, numbers and literals, and
    /// no byte of a multi-byte UTF-8 character is ASCII, so reading bytes and tracking strings is enough.
    private static func layout(_ json: Data) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(json.count * 2)
        var depth = 0
        var inString = false
        var escaping = false
        var index = json.startIndex
        func newLine() {
            output.append(ASCII.newline)
            output += repeatElement(ASCII.space, count: 2 * depth)
        }
        while index < json.endIndex {
            let byte = json[index]
            index += 1
            if inString {
                output.append(byte)
                if escaping {
                    escaping = false
                } else if byte == ASCII.backslash {
                    escaping = true
                } else if byte == ASCII.quote {
                    inString = false
                }
                continue
            }
            switch byte {
            case ASCII.quote:
                inString = true
                output.append(byte)
            case ASCII.openBrace, ASCII.openBracket:
                let close = byte == ASCII.openBrace ? ASCII.closeBrace : ASCII.closeBracket
                output.append(byte)
                if index < json.endIndex, json[index] == close {  // empty: {} or [], as jq writes it
                    output.append(close)
                    index += 1
                } else {
                    depth += 1
                    newLine()
                }
            case ASCII.closeBrace, ASCII.closeBracket:
                depth -= 1
                newLine()
                output.append(byte)
            case ASCII.comma:
                output.append(byte)
                newLine()
            case ASCII.colon:
                output += [byte, ASCII.space]
            default:
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private enum ASCII {
        static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")
        static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}"), openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
        static let space = UInt8(ascii: " "), newline = UInt8(ascii: "\n")
    }

    /// `json` with every unsafe character (``EscapedText/isUnsafe(_:)``) written as a `\u` escape. JSONEncoder
    /// escapes only U+0000 to U+001F, so C1 controls (U+009B is CSI to many terminals), bidirectional overrides and
    /// U+2028 would reach the terminal raw. Unsafe characters can only be inside strings (outside them there is
    /// nothing but punctuation, literals and the layout's own line breaks, which are kept), so the value is unchanged.
    private static func safe(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: { $0 != "\n" && EscapedText.isUnsafe($0) }) else { return json }
        var result = ""
        for scalar in json.unicodeScalars {
            if scalar != "\n" && EscapedText.isUnsafe(scalar) {
                for unit in String(scalar).utf16 { result += String(format: "\\u%04x", unit) }
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
