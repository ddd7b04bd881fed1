/// Text that came from a client, made safe to write where a control character would do harm: a log line
/// (a line break would forge the next line) or a terminal (an escape sequence would steer it).
public enum EscapedText {
    /// `text` with every unsafe code point written as `\u{1B}`; the rest unchanged.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Control characters (C0, DEL, C1), format characters (bidirectional overrides, zero-width joiners)
    /// and the Unicode line and paragraph separators.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
