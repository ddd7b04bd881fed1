/// The rules for worker ids and group paths.
///
/// An id is 1 to ``Limits/idLength`` printable characters with no leading or trailing space and none
/// of the glob characters `* ? [ ]` (so a filter can tell a pattern from a name). Lengths count Unicode
/// code points, as JSON Schema's `maxLength` does: a grapheme cluster can hold any number of combining
/// marks, so counting clusters would let one "character" be kilobytes long (too long for an index).
/// A group is 1 to ``Limits/groupDepth`` segments joined by dots; each segment follows the same rule
/// as an id, without dots, and is at most ``Limits/groupSegmentLength`` characters. A dot must be a
/// character of its own (no combining mark after it), so that every reader splits a group alike.
public enum Identifiers {
    /// Checks a worker id; `field` names it in the error.
    public static func validateID(_ id: String, field: String = "id") throws(EventValidationError) {
        if isPlainASCII(id, maxSegments: 1, maxSegmentLength: Limits.idLength, dots: false) { return }
        try validateIDByRules(id, field: field)
    }

    /// ``validateID(_:field:)`` without the ASCII fast path.
    static func validateIDByRules(_ id: String, field: String = "id") throws(EventValidationError) {
        if id.isEmpty { throw EventValidationError(field: field, message: "must not be empty") }
        if id.unicodeScalars.count > Limits.idLength {
            throw EventValidationError(field: field, message: "is longer than \(Limits.idLength) characters")
        }
        try checkCharacters(id, field: field)
    }

    /// Checks a dotted group path; `field` names it in the error.
    public static func validateGroup(_ group: String, field: String = "group") throws(EventValidationError) {
        if group.utf8.count <= Limits.groupLength,
            isPlainASCII(group, maxSegments: Limits.groupDepth, maxSegmentLength: Limits.groupSegmentLength, dots: true)
        {
            return
        }
        try validateGroupByRules(group, field: field)
    }

    /// ``validateGroup(_:field:)`` without the ASCII fast path.
    static func validateGroupByRules(_ group: String, field: String = "group") throws(EventValidationError) {
        if group.isEmpty { throw EventValidationError(field: field, message: "must not be empty") }
        if group.unicodeScalars.count > Limits.groupLength {
            throw EventValidationError(field: field, message: "is longer than \(Limits.groupLength) characters")
        }
        // Dots are looked for as code points, as the stores see them; a dot joined to a neighbouring character
        // (a combining mark after it) would separate segments for a database but not for Swift's string search.
        let segments = group.unicodeScalars.split(separator: ".", omittingEmptySubsequences: false)
            .map { String(String.UnicodeScalarView($0)) }
        if group.filter({ $0 == "." }).count != segments.count - 1 {
            throw EventValidationError(field: field, message: "has a dot joined to a neighbouring character (such as a combining mark after it)")
        }
        if segments.count > Limits.groupDepth {
            throw EventValidationError(field: field, message: "has more than \(Limits.groupDepth) segments")
        }
        for segment in segments {
            if segment.isEmpty {
                throw EventValidationError(field: field, message: "has an empty segment (a leading, trailing or doubled dot)")
            }
            if segment.unicodeScalars.count > Limits.groupSegmentLength {
                throw EventValidationError(
                    field: field, message: "has a segment longer than \(Limits.groupSegmentLength) characters")
            }
            try checkCharacters(segment, field: field)
        }
    }

    /// `true` when `text` is printable ASCII that passes the rules: 1 to `maxSegments` segments (split at dots when
    /// `dots`, else one) of 1 to `maxSegmentLength` bytes, none starting or ending with a space, no glob character.
    /// The common case, checked on the bytes without Unicode properties; `false` sends a text to the full rules
    /// (which name what is wrong), so this only ever accepts what they accept (`IdentifierTests` compares them).
    static func isPlainASCII(_ text: String, maxSegments: Int, maxSegmentLength: Int, dots: Bool) -> Bool {
        var segments = 1, length = 0, previous: UInt8 = 0x2E
        for byte in text.utf8 {
            switch byte {
            case 0x2E where dots:
                if length == 0 || previous == 0x20 { return false }
                segments += 1
                length = 0
            case 0x2A, 0x3F, 0x5B, 0x5D:
                return false
            case 0x20:
                if length == 0 { return false }
                length += 1
            case 0x21...0x7E:
                length += 1
            default:
                return false
            }
            if length > maxSegmentLength { return false }
            previous = byte
        }
        return length > 0 && previous != 0x20 && segments <= maxSegments
    }

    /// `true` when `text` holds a glob's `*` or `?` (as code points: a combining mark cannot hide one).
    public static func isGlob(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0 == "*" || $0 == "?" }
    }

    /// The glob characters, which names may not contain.
    static let globCharacters: Set<Unicode.Scalar> = ["*", "?", "[", "]"]

    /// Control characters and line breaks, which would break log lines and terminals.
    private static let forbiddenCategories: Set<Unicode.GeneralCategory> = [.control, .lineSeparator, .paragraphSeparator]

    /// Checks code points, not characters: a combining mark after `*` or a space would hide it from a
    /// check on characters, never from a glob, a database or a terminal.
    private static func checkCharacters(_ text: String, field: String) throws(EventValidationError) {
        let scalars = text.unicodeScalars
        if scalars.first?.properties.isWhitespace == true || scalars.last?.properties.isWhitespace == true {
            throw EventValidationError(field: field, message: "must not start or end with white space")
        }
        for scalar in scalars where forbiddenCategories.contains(scalar.properties.generalCategory) {
            throw EventValidationError(
                field: field, message: "contains a control character (U+\(String(scalar.value, radix: 16, uppercase: true)))")
        }
        for scalar in scalars where globCharacters.contains(scalar) {
            throw EventValidationError(field: field, message: "must not contain the glob character '\(scalar)'")
        }
    }
}
