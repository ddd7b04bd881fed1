import Foundation
import Registry

/// The table of `wokmanager silence list`: active silences plain, ended ones (with `--all`) dim.
enum SilenceListing {
    static func table(_ silences: [Silence], text: TerminalText) -> String {
        guard !silences.isEmpty else { return "No silences." }
        let rows = silences.map { silence in
            let style: TerminalText.Style? = silence.isActive(at: text.now) ? nil : .quiet
            return [String(silence.id), silence.subject.scope + " " + silence.subject.name, text.ahead(silence.until), silence.author, silence.note ?? ""]
                .map { TerminalText.Cell($0, style: style) }
        }
        return text.table(header: ["ID", "SUBJECT", "UNTIL", "BY", "NOTE"], rows: rows)
    }
}
