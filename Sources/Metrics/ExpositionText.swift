/// An exposition being written, as UTF-8 bytes. Appending a string copies its bytes; appending to a `String`
/// also re-measured and re-checked it every time, 38 % of a scrape of 10,000 groups.
struct ExpositionText {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    static func += (text: inout ExpositionText, string: String) {
        text.bytes.append(contentsOf: string.utf8)
    }

    static func += (text: inout ExpositionText, string: Substring) {
        text.bytes.append(contentsOf: string.utf8)
    }
}
