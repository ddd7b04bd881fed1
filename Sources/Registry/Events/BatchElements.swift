import Foundation

/// Cuts a batch body into its events' bytes, as sent: the lines of NDJSON, or the elements of a JSON array.
///
/// Nothing is decoded or re-encoded here, so an event reads the same in a batch as alone (repeated keys,
/// number precision and escapes included), and counting stops one past the limit, so an oversized batch
/// costs one pass over its bytes and no memory per element.
enum BatchElements {
    /// The lines of `data` that are not blank, or `nil` when there are more than `limit`.
    static func lines(of data: Data, limit: Int) -> [Data]? {
        let ranges = data.withUnsafeBytes { bytes -> [Range<Int>]? in
            var ranges: [Range<Int>] = []
            var start = 0
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                if bytes[start..<end].contains(where: { !isWhitespace($0) }) {
                    if ranges.count == limit { return nil }
                    ranges.append(start..<end)
                }
                start = end + 1
            }
            return ranges
        }
        return ranges?.map { data[data.startIndex + $0.lowerBound..<data.startIndex + $0.upperBound] }
    }

    /// The elements of the JSON array in `data`, without the whitespace around them, or `nil` when there are
    /// more than `limit`. Only the count of a body that `JSONDecoder` reads as an array can be trusted.
    static func arrayElements(of data: Data, limit: Int) -> [Data]? {
        var elements: [Data] = []
        var depth = 0
        var inString = false
        var escaped = false
        // The bytes after `\u` that Foundation's reader takes as the escape's four, whatever they are: only a
        // decoded value's are checked, and a repeated key's value is not decoded (`"x\u015\"` is a closed string).
        var escapeBytesLeft = 0
        var start = data.startIndex
        // Adds the element before `end`; an empty one is the inside of `[]`, or follows a trailing comma,
        // which Foundation's reader accepts (`[{…},]`).
        func add(upTo end: Data.Index) -> Bool {
            guard let first = data[start..<end].firstIndex(where: { !isWhitespace($0) }),
                let last = data[start..<end].lastIndex(where: { !isWhitespace($0) })
            else { return true }
            if elements.count == limit { return false }
            elements.append(data[first...last])
            return true
        }
        for index in data.indices {
            let byte = data[index]
            if inString {
                if escapeBytesLeft > 0 {
                    escapeBytesLeft -= 1
                } else if escaped {
                    escaped = false
                    if byte == UInt8(ascii: "u") { escapeBytesLeft = 4 }
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth == 1 { start = index + 1 }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if depth == 1, !add(upTo: index) { return nil }
                depth -= 1
            case UInt8(ascii: ",") where depth == 1:
                if !add(upTo: index) { return nil }
                start = index + 1
            default:
                break
            }
        }
        return elements
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
