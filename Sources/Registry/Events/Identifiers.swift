/// The rules for worker ids and group paths.
///
/// An id is 1 to ``Limits/idLength`` printable characters with no leading or trailing space and none
/// of the glob characters `* ? [ ]` (so a filter can tell a pattern from a name).
/// A group is 1 to ``Limits/groupDepth`` segments joined by dots; each segment follows the same rule
/// as an id, without dots, and is at most ``Limits/groupSegmentLength`` characters.
public enum Identifiers {
    /// Checks a worker id; `field` names it in the error.
    public static func validateID(_ id: String, field: String = "id") throws(EventValidationError) {
        if id.isEmpty { throw EventValidationError(field: field, message: "must not be empty") }
        if id.count > Limits.idLength {
            throw EventValidationError(field: field, message: "is longer than \(Limits.idLength) characters")
        }
        try checkCharacters(id, field: field)
    }

    /// Checks a dotted group path; `field` names it in the error.
    public static func validateGroup(_ group: String, field: String = "group") throws(EventValidationError) {
        if group.isEmpty { throw EventValidationError(field: field, message: "must not be empty") }
        if group.count > Limits.groupLength {
            throw EventValidationError(field: field, message: "is longer than \(Limits.groupLength) characters")
        }
        let segments = group.split(separator: ".", omittingEmptySubsequences: false)
        if segments.count > Limits.groupDepth {
            throw EventValidationError(field: field, message: "has more than \(Limits.groupDepth) segments")
        }
        for segment in segments {
            if segment.isEmpty {
                throw EventValidationError(field: field, message: "has an empty segment (a leading, trailing or doubled dot)")
            }
            if segment.count > Limits.groupSegmentLength {
                throw EventValidationError(
                    field: field, message: "has a segment longer than \(Limits.groupSegmentLength) characters")
            }
            try checkCharacters(String(segment), field: field)
        }
    }

    /// The glob characters, which names may not contain.
    static let globCharacters: Set<Character> = ["*", "?", "[", "]"]

    /// Control characters and line breaks, which would break log lines and terminals.
    private static let forbiddenCategories: Set<Unicode.GeneralCategory> = [.control, .lineSeparator, .paragraphSeparator]

    private static func checkCharacters(_ text: String, field: String) throws(EventValidationError) {
        if text.first?.isWhitespace == true || text.last?.isWhitespace == true {
            throw EventValidationError(field: field, message: "must not start or end with white space")
        }
        for scalar in text.unicodeScalars where forbiddenCategories.contains(scalar.properties.generalCategory) {
            throw EventValidationError(
                field: field, message: "contains a control character (U+\(String(scalar.value, radix: 16, uppercase: true)))")
        }
        for character in text where globCharacters.contains(character) {
            throw EventValidationError(field: field, message: "must not contain the glob character '\(character)'")
        }
    }
}
