import Foundation
import Hummingbird

/// A form a page posts (`application/x-www-form-urlencoded`), with its CSRF token checked against the session's.
struct PageForm {
    /// Most bytes a page's form may send.
    static let maxBytes = 16 << 10

    private let fields: [(name: String, value: String)]

    static func read(_ request: Request) async throws -> PageForm {
        var request = request
        let body = try await request.collectBody(upTo: maxBytes)
        return PageForm(fields: FormEncoding.pairs(String(buffer: body)[...]))
    }

    /// The first non-empty value of `name`, without surrounding spaces.
    func text(_ name: String) -> String? {
        fields.lazy.filter { $0.name == name }.map { $0.value.trimmingCharacters(in: .whitespacesAndNewlines) }.first { !$0.isEmpty }
    }

    /// `true` when the form's note is no longer than the API takes (1000 bytes), or there is none.
    var noteFits: Bool {
        (text("note")?.utf8.count ?? 0) <= 1000
    }

    /// `true` when the form carries `token`.
    func carries(token: String) -> Bool {
        text("csrf").map { SecretToken.equal($0, token) } ?? false
    }

    /// Where to go back to: the form's `next` when it is a path of this server, else `/`.
    var next: String {
        Self.localPath(text("next"))
    }

    /// `path` when it is a path on this server (`/...`), else `/`: not `//host`, and no backslash or control
    /// character anywhere (browsers drop tabs and newlines from a URL, so `/<TAB>/host` would be `//host`).
    static func localPath(_ path: String?) -> String {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"),
            !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" })
        else { return "/" }
        return path
    }
}
