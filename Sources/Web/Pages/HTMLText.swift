/// Text written into HTML outside the templates, for the few fragments built in Swift.
enum HTMLText {
    /// Appends `text` to `html` with `&`, `<`, `>`, `"` and `'` written as character references: the
    /// five that the templates' `{{value}}` escapes, which makes it safe in element content and in a
    /// quoted attribute value.
    ///
    /// It looks at code points, not characters: `"` followed by a combining mark is one `Character` in
    /// Swift but still ends an attribute value for a browser.
    static func append(_ text: String, to html: inout String) {
        guard text.utf8.contains(where: { special.contains($0) }) else {
            html += text
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": html += "&amp;"
            case "<": html += "&lt;"
            case ">": html += "&gt;"
            case "\"": html += "&quot;"
            case "'": html += "&#39;"
            default: html.unicodeScalars.append(scalar)
            }
        }
    }

    /// The bytes `append` replaces; none of them occurs inside a multi-byte UTF-8 sequence.
    private static let special: Set<UInt8> = [UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'")]
}
