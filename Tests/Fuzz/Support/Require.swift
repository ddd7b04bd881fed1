import Foundation

/// Stops the run when an invariant does not hold; libFuzzer reports it as a crash and saves the input.
func require(_ condition: Bool, _ what: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    if !condition {
        fatalError("invariant violated: \(what())", file: file, line: line)
    }
}

/// The server's clock in every fuzz run: 2027-01-15T08:00:00Z, as in the unit tests.
let fuzzNow = Date(timeIntervalSince1970: 1_800_000_000)

/// A short, escaped rendering of a value for invariant messages.
func shown(_ value: some Any) -> String {
    String(String(reflecting: value).prefix(300))
}
