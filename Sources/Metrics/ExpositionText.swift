/// An exposition being written, as UTF-8 bytes. Appending a string copies its bytes; appending to a `String`
/// also re-measured and re-checked it every time, 38 % of a scrape of 10,000 groups.
struct ExpositionText {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends the string's bytes in one copy (`append(contentsOf: string.utf8)` went a byte at a time: a fifth of a
    /// scrape of 10,000 groups).
    static func += (text: inout ExpositionText, string: String) {
        var string = string
        string.withUTF8 { text.bytes.append(contentsOf: $0) }
    }

    static func += (text: inout ExpositionText, string: Substring) {
        var string = string
        string.withUTF8 { text.bytes.append(contentsOf: $0) }
    }

    /// Appends a whole number in decimal, without making a `String` of it.
    static func += (text: inout ExpositionText, value: Int) {
        if value < 0 { text.bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = text.bytes.count
        repeat {
            text.bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        text.bytes[start...].reverse()
    }
}
