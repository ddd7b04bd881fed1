import ArgumentParser

/// How a listing (`workers`, `errors`) is printed: `--table` for people (the default), `--json` or `--jsonl` for
/// programs. Giving more than one is refused.
enum ListingFormat: String, EnumerableFlag {
    case table
    case json
    case jsonl

    static func help(for value: ListingFormat) -> ArgumentHelp? {
        switch value {
        case .table: "Print a table."
        case .json: "Print a JSON array, laid out as jq does."
        case .jsonl: "Print JSON Lines: one compact object per line, none when nothing matches."
        }
    }

    /// Prints `items` in this format; `table` makes the text for people.
    func write(_ items: [some Encodable], table: () -> String) throws {
        switch self {
        case .table: print(table())
        case .json: print(try JSONOutput.pretty(items))
        case .jsonl: for line in try JSONOutput.lines(items) { print(line) }
        }
    }
}
