import Mustache

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

/// The templates' escaping: ``HTMLText`` instead of swift-mustache's own HTML escaping, which works on
/// `Character`s and so leaves a `"` followed by a combining mark unescaped. Every template selects it
/// with `{{% CONTENT_TYPE: HTML_CODE_POINTS }}` on its first line.
struct CodePointHTMLContentType: MustacheContentType {
    /// The name the templates' pragma uses.
    static let name = "HTML_CODE_POINTS"

    func escapeText(_ text: String) -> String {
        var html = ""
        HTMLText.append(text, to: &html)
        return html
    }
}
