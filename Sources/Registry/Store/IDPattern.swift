/// Which worker ids a query covers: one id, or a glob over ids (`*` any run of characters, `?` one).
public enum IDPattern: Sendable, Equatable {
    /// Exactly this id.
    case exact(String)
    /// Ids the glob matches (`*`, `Importer*`).
    case glob(String)

    /// Reads a pattern as a client writes it: text with `*` or `?` is a glob, anything else must be an id.
    public init(parsing text: String, field: String = "id") throws(EventValidationError) {
        if Identifiers.isGlob(text) {
            try Self.checkGlob(text, field: field)
            self = .glob(text)
        } else {
            try Identifiers.validateID(text, field: field)
            self = .exact(text)
        }
    }

    /// A glob is at most an id's length and has no `[` or `]`, which GLOB would read as a class.
    private static func checkGlob(_ text: String, field: String) throws(EventValidationError) {
        if text.unicodeScalars.contains(where: { $0 == "[" || $0 == "]" }) || text.unicodeScalars.count > Limits.idLength {
            throw EventValidationError(
                field: field, message: "must be an id or a glob of at most \(Limits.idLength) characters without '[' or ']'")
        }
    }
}
