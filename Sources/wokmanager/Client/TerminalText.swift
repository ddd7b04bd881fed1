import Foundation
import Registry

/// Formats answers for a terminal: aligned columns, status words, relative times, colour only where wanted.
struct TerminalText {
    /// Whether to colour status words: only on a terminal, and never with `NO_COLOR` set.
    let colour: Bool
    let now: Date

    init(colour: Bool, now: Date = Date()) {
        self.colour = colour
        self.now = now
    }

    /// Colour when standard output is a terminal and `NO_COLOR` is unset or empty.
    static func wantsColour(environment: [String: String] = ProcessInfo.processInfo.environment, isTerminal: Bool = isatty(STDOUT_FILENO) == 1) -> Bool {
        isTerminal && (environment["NO_COLOR"] ?? "").isEmpty
    }

    /// Rows under a header, columns padded to their widest cell (by visible width, colour codes excluded).
    func table(header: [String], rows: [[Cell]]) -> String {
        let all = [header.map { Cell($0) }] + rows
        let widths = (0..<header.count).map { column in all.map { $0[column].text.count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                let padding = column == row.count - 1 ? "" : String(repeating: " ", count: widths[column] - cell.text.count)
                return paint(cell) + padding
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// One cell: its text (already made safe) and, for statuses, its colour.
    struct Cell {
        let text: String
        let status: WorkerStatus?

        init(_ text: String, status: WorkerStatus? = nil) {
            self.text = TerminalText.escaped(text)
            self.status = status
        }
    }

    func status(_ status: WorkerStatus) -> Cell { Cell(status.rawValue, status: status) }

    /// A status word on its own, coloured when colour is on.
    func word(_ status: WorkerStatus) -> String { paint(self.status(status)) }

    func ago(_ date: Date) -> String {
        let seconds = Int(now.timeIntervalSince(date).rounded(.down))
        if seconds < 1 { return "just now" }
        let (days, hours, minutes) = (seconds / 86_400, seconds / 3600, seconds / 60)
        if days > 0 { return "\(days)d ago" }
        if hours > 0 { return "\(hours)h ago" }
        if minutes > 0 { return "\(minutes)m ago" }
        return "\(seconds)s ago"
    }

    /// `text` with every character that could steer a terminal (``EscapedText/isUnsafe(_:)``: controls, format
    /// characters, line and paragraph separators) written as a shell's `$'…'` writes it: `\n`, `\r`, `\t`, then
    /// `\x1b` below U+0100, `\u202e` up to U+FFFF and `\U000e0001` above. The rest is unchanged, backslashes
    /// included (Windows paths and patterns stay readable); `--json` gives the exact text.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: EscapedText.isUnsafe) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            guard EscapedText.isUnsafe(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x100: result += String(format: "\\x%02x", scalar.value)
            case _ where scalar.value < 0x10000: result += String(format: "\\u%04x", scalar.value)
            default: result += String(format: "\\U%08x", scalar.value)
            }
        }
        return result
    }

    private func paint(_ cell: Cell) -> String {
        guard colour, let status = cell.status else { return cell.text }
        let code =
            switch status {
            case .running: "32"
            case .lost: "33"
            case .failed: "31"
            case .stopped: "90"
            }
        return "\u{1B}[\(code)m\(cell.text)\u{1B}[0m"
    }
}
