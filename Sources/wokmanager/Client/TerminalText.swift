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

    /// One cell: its text (already made safe) and how it is painted when colour is on.
    struct Cell {
        let text: String
        let style: Style?

        init(_ text: String, style: Style? = nil) {
            self.text = TerminalText.escaped(text)
            self.style = style
        }
    }

    /// How a cell stands out when colour is on.
    enum Style {
        /// A worker's status, in its colour.
        case status(WorkerStatus)
        /// Needs someone now: bold red.
        case alarm
        /// Seen to, or over: dim.
        case quiet
    }

    func status(_ status: WorkerStatus) -> Cell { Cell(status.rawValue, style: .status(status)) }

    /// A status word on its own, coloured when colour is on.
    func word(_ status: WorkerStatus) -> String { paint(self.status(status)) }

    func ago(_ date: Date) -> String {
        let seconds = now.timeIntervalSince(date).rounded(.down)
        return seconds < 1 ? "just now" : Self.span(seconds, .down) + " ago"
    }

    /// How long until `date`, to the nearest unit (`in 2h` just after a silence of two hours began); `ended 5m ago`
    /// once it has passed.
    func ahead(_ date: Date) -> String {
        let seconds = date.timeIntervalSince(now).rounded(.down)
        return seconds < 1 ? "ended " + ago(date) : "in " + Self.span(seconds, .toNearestOrAwayFromZero)
    }

    /// `seconds` in the largest unit it reaches: `3d`, `2h`, `5m`, `12s`.
    private static func span(_ seconds: Double, _ rounding: FloatingPointRoundingRule) -> String {
        let units: [(String, Double)] = [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)]
        let (unit, scale) = units.first { seconds >= $0.1 } ?? ("s", 1)
        return "\(Int((seconds / scale).rounded(rounding)))\(unit)"
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
        guard colour, let style = cell.style, !cell.text.isEmpty else { return cell.text }
        let code =
            switch style {
            case .status(.running): "32"
            case .status(.lost): "33"
            case .status(.failed): "31"
            case .status(.stopped): "90"
            case .alarm: "1;31"
            case .quiet: "2"
            }
        return "\u{1B}[\(code)m\(cell.text)\u{1B}[0m"
    }
}
