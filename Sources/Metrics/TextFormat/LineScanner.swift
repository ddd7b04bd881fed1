/// Reads the tokens of one line of the text exposition format, byte by byte.
struct LineScanner {
    let bytes: ArraySlice<UInt8>
    /// The line's number, from 1, for errors.
    let number: Int
    private var index: Int

    init(bytes: ArraySlice<UInt8>, number: Int) {
        self.bytes = bytes
        self.number = number
        self.index = bytes.startIndex
    }

    var atEnd: Bool { index == bytes.endIndex }
    var peek: UInt8? { atEnd ? nil : bytes[index] }

    mutating func advance() {
        index += 1
    }

    /// Takes `byte` if it is next.
    mutating func take(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    /// Skips spaces and tabs.
    mutating func skipBlanks() {
        while let byte = peek, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { index += 1 }
    }

    /// Everything up to the next blank or the end.
    mutating func token() -> String {
        let start = index
        while let byte = peek, byte != UInt8(ascii: " "), byte != UInt8(ascii: "\t") { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// A metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`) or, without the colon, a label name; empty when none is next.
    mutating func name(allowingColon: Bool) -> String {
        let start = index
        while let byte = peek, Self.isNameByte(byte, first: index == start, colon: allowingColon) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// The rest of a `# HELP` line, with `\\` and `\n` unescaped.
    mutating func help() throws(TextFormatError) -> String {
        try unescaped(until: nil, escapes: [UInt8(ascii: "\\"): "\\", UInt8(ascii: "n"): "\n"])
    }

    /// A label value after its opening quote, up to and including the closing one, with `\\`, `\"` and `\n` unescaped.
    mutating func labelValue() throws(TextFormatError) -> String {
        try unescaped(until: UInt8(ascii: "\""), escapes: [UInt8(ascii: "\\"): "\\", UInt8(ascii: "\""): "\"", UInt8(ascii: "n"): "\n"])
    }

    func error(_ message: String) -> TextFormatError {
        TextFormatError(line: number, message: message)
    }

    private mutating func unescaped(until end: UInt8?, escapes: [UInt8: String]) throws(TextFormatError) -> String {
        var text: [UInt8] = []
        while let byte = peek {
            index += 1
            if byte == end { return String(decoding: text, as: UTF8.self) }
            guard byte == UInt8(ascii: "\\") else {
                text.append(byte)
                continue
            }
            guard let next = peek, let replacement = escapes[next] else {
                throw error("an unknown escape '\\\(peek.map { String(decoding: [$0], as: UTF8.self) } ?? "")'; the format knows \(escapes.keys.sorted().map { "\\\(Character(Unicode.Scalar($0)))" }.joined(separator: " "))")
            }
            index += 1
            text.append(contentsOf: replacement.utf8)
        }
        if end != nil { throw error("a label value is not closed by '\"'") }
        return String(decoding: text, as: UTF8.self)
    }

    private static func isNameByte(_ byte: UInt8, first: Bool, colon: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"): true
        case UInt8(ascii: "0")...UInt8(ascii: "9"): !first
        case UInt8(ascii: ":"): colon
        default: false
        }
    }
}
