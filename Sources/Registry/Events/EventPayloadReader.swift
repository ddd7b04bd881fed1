import Foundation

/// Reads event objects straight from their bytes, for the shape workers send: strict JSON, each known field once.
///
/// What ours adds over `JSONDecoder`, which stays the reader of record: no tree of values and no `Decodable`
/// machinery per field, so batches of heartbeats are taken 2.7x as fast (BENCHMARKS.md). It declines (`nil`)
/// whatever it does not read exactly as `JSONDecoder` does (escapes in keys, a repeated field, a whole number with
/// a fraction or exponent, a number no `Double` holds or one `JSONDecoder` treats apart (`0e5`, `1e-400`), a byte
/// order mark, anything but strict JSON), and `JSONDecoder` then reads it, errors included. The fuzz target
/// `decoder` checks that an accepted object reads the same with both.
struct EventPayloadReader {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// One event object filling `data`, or `nil` when `JSONDecoder` must read it.
    static func payload(in data: Data) -> EventPayload? {
        data.withUnsafeBytes { bytes in
            var reader = EventPayloadReader(bytes)
            guard let payload = reader.object(), reader.atEnd() else { return nil }
            return payload
        }
    }

    /// The event objects of a JSON array filling `data`, or `nil` when one of them, or more than `limit`, needs
    /// `JSONDecoder`.
    static func payloads(inArray data: Data, limit: Int) -> [EventPayload]? {
        data.withUnsafeBytes { bytes in
            var reader = EventPayloadReader(bytes)
            guard reader.skipSpace(), reader.take(UInt8(ascii: "[")), reader.skipSpace() else { return nil }
            var payloads: [EventPayload] = []
            if reader.take(UInt8(ascii: "]")) { return reader.atEnd() ? payloads : nil }
            repeat {
                guard payloads.count < limit, let payload = reader.object() else { return nil }
                payloads.append(payload)
                guard reader.skipSpace() else { return nil }
            } while reader.take(UInt8(ascii: ","))
            guard reader.take(UInt8(ascii: "]")), reader.atEnd() else { return nil }
            return payloads
        }
    }

    // MARK: - The object

    private mutating func object() -> EventPayload? {
        guard skipSpace(), take(UInt8(ascii: "{")), skipSpace() else { return nil }
        var payload = EventPayload()
        if take(UInt8(ascii: "}")) { return payload }
        var seen: UInt16 = 0
        repeat {
            guard skipSpace(), let key = plainKey(), skipSpace(), take(UInt8(ascii: ":")), skipSpace() else { return nil }
            if let field = EventPayload.CodingKeys(rawValue: key) {
                guard seen & Self.bit(field) == 0, read(field, into: &payload) else { return nil }
                seen |= Self.bit(field)
            } else {
                guard skipValue(depth: 0) else { return nil }
            }
            guard skipSpace() else { return nil }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}")) ? payload : nil
    }

    /// A bit of its own for each field, to notice one repeated.
    private static func bit(_ field: EventPayload.CodingKeys) -> UInt16 {
        let order: Int = switch field {
        case .id: 0
        case .group: 1
        case .event: 2
        case .at: 3
        case .ttl: 4
        case .message: 5
        case .action: 6
        case .exitCode: 7
        case .host: 8
        case .pid: 9
        case .version: 10
        case .labels: 11
        case .metrics: 12
        }
        return 1 << order
    }

    private mutating func read(_ field: EventPayload.CodingKeys, into payload: inout EventPayload) -> Bool {
        if takeNull() { return true }
        switch field {
        case .id: return optional(string(), into: &payload.id)
        case .group: return optional(string(), into: &payload.group)
        case .event: return optional(string(), into: &payload.event)
        case .message: return optional(string(), into: &payload.message)
        case .action: return optional(string(), into: &payload.action)
        case .host: return optional(string(), into: &payload.host)
        case .version: return optional(string(), into: &payload.version)
        case .ttl: return optional(double(), into: &payload.ttl)
        case .pid: return optional(integer(), into: &payload.pid)
        case .exitCode: return optional(integer(), into: &payload.exitCode)
        case .at:
            if peek == UInt8(ascii: "\"") { return optional(string().map(EventPayload.TimeValue.text), into: &payload.at) }
            return optional(double().map(EventPayload.TimeValue.seconds), into: &payload.at)
        case .labels: return optional(members(of: { $0.string() }), into: &payload.labels)
        case .metrics: return optional(members(of: { $0.double() }), into: &payload.metrics)
        }
    }

    private func optional<Value>(_ value: Value?, into field: inout Value?) -> Bool {
        guard let value else { return false }
        field = value
        return true
    }

    /// An object whose every member is read by `value`, each key once.
    private mutating func members<Value>(of value: (inout EventPayloadReader) -> Value?) -> [String: Value]? {
        guard take(UInt8(ascii: "{")), skipSpace() else { return nil }
        var members: [String: Value] = [:]
        if take(UInt8(ascii: "}")) { return members }
        repeat {
            guard skipSpace(), let key = plainKey(), skipSpace(), take(UInt8(ascii: ":")), skipSpace(), members[key] == nil,
                let member = value(&self), skipSpace()
            else { return nil }
            members[key] = member
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}")) ? members : nil
    }

    // MARK: - Values

    /// A key without escapes (`JSONDecoder` compares keys after unescaping them; this compares bytes).
    private mutating func plainKey() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = position
        while let byte = peek, byte != UInt8(ascii: "\"") {
            guard byte >= 0x20, byte != UInt8(ascii: "\\") else { return nil }
            position += 1
        }
        guard take(UInt8(ascii: "\"")) else { return nil }
        return text(start..<position - 1)
    }

    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = position
        while let byte = peek, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { return nil }
            position += 1
        }
        if take(UInt8(ascii: "\"")) { return text(start..<position - 1) }
        guard peek == UInt8(ascii: "\\"), var unescaped = text(start..<position) else { return nil }
        return escapedRest(appendingTo: &unescaped) ? unescaped : nil
    }

    /// The rest of a string from its first backslash, appended to `unescaped`.
    private mutating func escapedRest(appendingTo unescaped: inout String) -> Bool {
        while let byte = peek {
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return true
            case UInt8(ascii: "\\"):
                guard let scalar = escape() else { return false }
                unescaped.unicodeScalars.append(scalar)
            default:
                let start = position - 1
                while let next = peek, next != UInt8(ascii: "\""), next != UInt8(ascii: "\\"), next >= 0x20 { position += 1 }
                guard byte >= 0x20, let run = text(start..<position) else { return false }
                unescaped += run
            }
        }
        return false
    }

    /// The character an escape after its backslash stands for; a lone surrogate is declined.
    private mutating func escape() -> Unicode.Scalar? {
        guard let byte = peek else { return nil }
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return Unicode.Scalar(byte)
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            guard let unit = hexUnit() else { return nil }
            if UTF16.isLeadSurrogate(unit) {
                guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let trail = hexUnit(), UTF16.isTrailSurrogate(trail) else { return nil }
                return Unicode.Scalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(trail) - 0xDC00))
            }
            return Unicode.Scalar(unit)
        default: return nil
        }
    }

    private mutating func hexUnit() -> UInt16? {
        guard position + 4 <= bytes.count else { return nil }
        var unit: UInt16 = 0
        for _ in 0..<4 {
            guard let digit = Self.hexDigit(bytes[position]) else { return nil }
            unit = unit << 4 | UInt16(digit)
            position += 1
        }
        return unit
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A number as a `Double`, when one holds it and `JSONDecoder` reads it alike: not past its range, not so small
    /// that digits other than 0 round to zero (`JSONDecoder` refuses `1e-400` as it refuses `1e400`), and not a bare
    /// 0 with an exponent (`JSONDecoder` refuses `0e5` and takes `0e-5`; both are left to it).
    private mutating func double() -> Double? {
        guard let range = numberText(), let value = text(range).flatMap(Double.init), value.isFinite else { return nil }
        guard value == 0 else { return value }
        let mantissa = bytes[range].prefix { $0 | 0x20 != UInt8(ascii: "e") }
        let roundsToZero = mantissa.contains { (UInt8(ascii: "1")...UInt8(ascii: "9")).contains($0) }
        let bareZeroWithExponent = mantissa.count < range.count
            && mantissa.drop { $0 == UInt8(ascii: "-") }.elementsEqual(CollectionOfOne(UInt8(ascii: "0")))
        return roundsToZero || bareZeroWithExponent ? nil : value
    }

    /// A whole number without fraction or exponent that fits in an `Int`.
    private mutating func integer() -> Int? {
        guard let range = numberText(), !bytes[range].contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") })
        else { return nil }
        return text(range).flatMap { Int($0) }
    }

    /// The bytes of a number in JSON's grammar: `-`, then `0` or digits not starting with 0, a fraction, an exponent.
    private mutating func numberText() -> Range<Int>? {
        let start = position
        _ = take(UInt8(ascii: "-"))
        if !take(UInt8(ascii: "0")) {
            guard digits() else { return nil }
        }
        if take(UInt8(ascii: ".")) {
            guard digits() else { return nil }
        }
        if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
            if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
            guard digits() else { return nil }
        }
        return start..<position
    }

    /// One or more decimal digits.
    private mutating func digits() -> Bool {
        let start = position
        while let byte = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1 }
        return position > start
    }

    /// Any value of a field the event does not have, checked to be strict JSON and dropped.
    private mutating func skipValue(depth: Int) -> Bool {
        guard depth < Self.deepestSkipped, let byte = peek else { return false }
        switch byte {
        case UInt8(ascii: "\""):
            return string() != nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            position += 1
            guard skipSpace() else { return false }
            if take(close) { return true }
            repeat {
                guard skipSpace() else { return false }
                if close == UInt8(ascii: "}") {
                    guard string() != nil, skipSpace(), take(UInt8(ascii: ":")), skipSpace() else { return false }
                }
                guard skipValue(depth: depth + 1), skipSpace() else { return false }
            } while take(UInt8(ascii: ","))
            return take(close)
        case UInt8(ascii: "t"): return take(word: "true")
        case UInt8(ascii: "f"): return take(word: "false")
        case UInt8(ascii: "n"): return takeNull()
        default: return double() != nil
        }
    }

    private static let deepestSkipped = 16

    // MARK: - Bytes

    private var peek: UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        position += 1
        return true
    }

    private mutating func takeNull() -> Bool {
        take(word: "null")
    }

    private mutating func take(word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count,
            memcmp(bytes.baseAddress! + position, word.utf8Start, count) == 0
        else { return false }
        position += count
        return true
    }

    /// Skips JSON's whitespace; `true`, so that it reads inside a `guard`.
    private mutating func skipSpace() -> Bool {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
        return true
    }

    private mutating func atEnd() -> Bool {
        _ = skipSpace()
        return position == bytes.count
    }

    /// The bytes of `range` as text, when they are valid UTF-8 (ASCII, most of what workers send, needs no check).
    private func text(_ range: Range<Int>) -> String? {
        let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
        if slice.allSatisfy({ $0 < 0x80 }) { return String(decoding: slice, as: UTF8.self) }
        return String(validating: slice, as: UTF8.self)
    }
}
