/// One of the five fields of a cron expression: its name, its values and the names it accepts for them.
struct CronField {
    /// The field's name in error messages: `minute`, `day-of-week`.
    let name: String
    /// The values the field accepts; `*` stands for all of them.
    let values: ClosedRange<Int>
    /// Three-letter names for the values from `values.lowerBound` on (`jan` is 1, `sun` is 0).
    let valueNames: [String]
    /// What a value may be, for the message when it is neither a number nor a name.
    let valueKind: String

    static let minute = CronField(name: "minute", values: 0...59, valueNames: [], valueKind: "a number")
    static let hour = CronField(name: "hour", values: 0...23, valueNames: [], valueKind: "a number")
    static let dayOfMonth = CronField(name: "day-of-month", values: 1...31, valueNames: [], valueKind: "a number")
    static let month = CronField(
        name: "month", values: 1...12,
        valueNames: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        valueKind: "a number or a month name (jan-dec)")
    /// 0 and 7 are both Sunday.
    static let dayOfWeek = CronField(
        name: "day-of-week", values: 0...7, valueNames: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
        valueKind: "a number or a day name (sun-sat)")

    /// The values `text` selects, as a bit set (bit `n` set for value `n`).
    ///
    /// Accepts a comma-separated list of `*`, `5`, `1-5` or a name, the last two optionally with a step
    /// (`*/15`, `10-50/10`); a step needs `*` or a range, as in Vixie cron.
    func parse(_ text: Substring) throws(ScheduleError) -> UInt64 {
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw failure(in: text, "has an empty list item") }
            let parts = item.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            let range = try self.range(parts[0], in: text)
            var step = 1
            if parts.count == 2 {
                guard parts[0] == "*" || parts[0].contains("-") else {
                    let suggestion = "\(parts[0])-\(values.upperBound)/\(parts[1])"
                    throw failure(in: text, "\(subject(item, in: text))steps a single value: write '\(suggestion)'")
                }
                guard let number = Int(parts[1]), parts[1].allSatisfy(\.isASCIIDigit), number >= 1 else {
                    throw failure(in: text, "step '\(parts[1])' must be a whole number from 1")
                }
                step = number
            }
            for value in stride(from: range.lowerBound, through: range.upperBound, by: step) {
                bits |= 1 << UInt64(value)
            }
        }
        return bits
    }

    /// The values `part` (`*`, a value or `low-high`) spans.
    private func range(_ part: Substring, in text: Substring) throws(ScheduleError) -> ClosedRange<Int> {
        if part == "*" { return values }
        let ends = part.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count <= 2, !ends.contains(where: \.isEmpty) else {
            throw failure(in: text, "\(subject(part, in: text))is not a value or a low-high range")
        }
        let low = try value(ends[0], in: text)
        guard ends.count == 2 else { return low...low }
        let high = try value(ends[1], in: text)
        guard low <= high else { throw failure(in: text, "range '\(part)' runs backwards") }
        return low...high
    }

    /// The value of a number or a name.
    private func value(_ part: Substring, in text: Substring) throws(ScheduleError) -> Int {
        if part.allSatisfy(\.isASCIIDigit) {
            guard let number = Int(part), values.contains(number) else {
                throw failure(in: text, "\(subject(part, in: text))must be \(values.lowerBound)-\(values.upperBound)")
            }
            return number
        }
        guard let index = valueNames.firstIndex(of: part.lowercased()) else {
            throw failure(in: text, "\(subject(part, in: text))must be \(valueKind)")
        }
        return values.lowerBound + index
    }

    /// `'part' ` when `part` is only a piece of the field, nothing when it is the whole field.
    private func subject(_ part: Substring, in text: Substring) -> String {
        part == text ? "" : "'\(part)' "
    }

    private func failure(in text: Substring, _ problem: String) -> ScheduleError {
        ScheduleError("\(name) field '\(text)': \(problem)")
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
