import Registry

/// Reads the Prometheus text exposition format 0.0.4, as Pushgateway takes it.
///
/// Strict where Prometheus' own parser is: names and label names by the format's rules, the escapes it knows,
/// one `# HELP` and one `# TYPE` per family, the `# TYPE` before the family's samples, a family's lines together,
/// no series twice. Like Pushgateway it refuses timestamps (a pushed sample is as old as the scrape that reads it).
///
/// ```swift
/// let families = try TextFormatParser.parse(Array("# TYPE jobs_total counter\njobs_total 3\n".utf8), maxSeries: 1000)
/// ```
public enum TextFormatParser {
    /// The families of `text`, in the order given; throws naming the line of the first mistake, or the series past `maxSeries`.
    public static func parse(_ text: [UInt8], maxSeries: Int) throws(TextFormatError) -> [ParsedFamily] {
        guard String(validating: text, as: UTF8.self) != nil else {
            throw TextFormatError(line: firstInvalidLine(text), message: "is not valid UTF-8")
        }
        var reader = Reader(maxSeries: maxSeries)
        for (index, line) in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            var scanner = LineScanner(bytes: line, number: index + 1)
            scanner.skipBlanks()
            guard !scanner.atEnd else { continue }
            if scanner.peek == UInt8(ascii: "#") {
                try reader.readComment(&scanner)
            } else {
                try reader.add(readSample(&scanner), scanner)
            }
        }
        return reader.families
    }

    /// The families read so far, and what the next lines are checked against.
    private struct Reader {
        let maxSeries: Int
        var families: [ParsedFamily] = []
        /// Names with a `# TYPE`, which may not get a second one.
        var typed: Set<String> = []
        /// Each series read (name and sorted labels), which may not come twice.
        var seriesKeys: Set<String> = []

        init(maxSeries: Int) {
            self.maxSeries = maxSeries
        }

        /// `# HELP name text`, `# TYPE name type`, or any other comment (ignored).
        mutating func readComment(_ scanner: inout LineScanner) throws(TextFormatError) {
            scanner.advance()
            scanner.skipBlanks()
            let keyword = scanner.token()
            guard keyword == "HELP" || keyword == "TYPE" else { return }
            scanner.skipBlanks()
            let name = scanner.name(allowingColon: true)
            guard !name.isEmpty else { throw scanner.error("# \(keyword) needs a metric name") }
            if let last = families.last, last.name == name {
                guard last.samples.isEmpty else { throw scanner.error("# \(keyword) for '\(name)' after its samples; it must come before them") }
            } else {
                guard !families.contains(where: { $0.name == name }) else {
                    throw scanner.error("# \(keyword) for '\(name)' a second time; the lines of a family must be together")
                }
                families.append(ParsedFamily(name: name, type: .untyped, help: nil, samples: [], line: scanner.number))
            }
            let last = families.count - 1
            scanner.skipBlanks()
            if keyword == "HELP" {
                guard families[last].help == nil else { throw scanner.error("a second # HELP for '\(name)'") }
                families[last].help = try scanner.help()
                return
            }
            guard typed.insert(name).inserted else { throw scanner.error("a second # TYPE for '\(name)'") }
            let word = scanner.token()
            guard let type = MetricType(rawValue: word) else {
                throw scanner.error("unknown type '\(word)'; expected one of \(MetricType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            scanner.skipBlanks()
            guard scanner.atEnd else { throw scanner.error("unexpected text after the type") }
            families[last].type = type
        }

        /// Adds a sample to its family: the last one if it owns the name, else a new untyped one.
        mutating func add(_ sample: ParsedSample, _ scanner: LineScanner) throws(TextFormatError) {
            if families.last?.owns(sample.name) != true {
                guard !families.contains(where: { $0.owns(sample.name) }) else {
                    throw scanner.error("'\(sample.name)' appeared before; the lines of a family must be together")
                }
                families.append(ParsedFamily(name: sample.name, type: .untyped, help: nil, samples: [], line: scanner.number))
            }
            try TextFormatParser.check(sample, of: families[families.count - 1], scanner)
            let labels = sample.labels.map { "\($0.name)=\"\(PrometheusExposition.escapeLabelValue($0.value))\"" }.sorted().joined(separator: ",")
            guard seriesKeys.insert(sample.name + "{" + labels + "}").inserted else {
                throw scanner.error("the series \(sample.name){\(labels)} is given twice")
            }
            guard seriesKeys.count <= maxSeries else { throw scanner.error("more than \(maxSeries) series in one push") }
            families[families.count - 1].samples.append(sample)
        }
    }

    /// `name{label="value",...} value`, with no timestamp.
    private static func readSample(_ scanner: inout LineScanner) throws(TextFormatError) -> ParsedSample {
        let name = scanner.name(allowingColon: true)
        guard !name.isEmpty else { throw scanner.error("expected a metric name, a # HELP, a # TYPE or a comment") }
        var labels: [ParsedSample.Label] = []
        scanner.skipBlanks()
        if scanner.peek == UInt8(ascii: "{") {
            scanner.advance()
            labels = try readLabels(&scanner)
        }
        scanner.skipBlanks()
        let text = scanner.token()
        guard !text.isEmpty else { throw scanner.error("'\(name)' has no value") }
        guard let value = number(text) else { throw scanner.error("'\(text)' is not a number") }
        scanner.skipBlanks()
        guard scanner.atEnd else {
            let rest = scanner.token()
            if Int64(rest) != nil { throw scanner.error("samples may not carry a timestamp (Pushgateway refuses them too)") }
            throw scanner.error("unexpected text '\(rest)' after the value")
        }
        return ParsedSample(name: name, labels: labels, value: value, line: scanner.number)
    }

    /// The labels after `{`, up to and including `}`; a comma before `}` is allowed.
    private static func readLabels(_ scanner: inout LineScanner) throws(TextFormatError) -> [ParsedSample.Label] {
        var labels: [ParsedSample.Label] = []
        while true {
            scanner.skipBlanks()
            if scanner.peek == UInt8(ascii: "}") {
                scanner.advance()
                return labels
            }
            let name = scanner.name(allowingColon: false)
            guard !name.isEmpty else { throw scanner.error("expected a label name or '}'") }
            scanner.skipBlanks()
            guard scanner.take(UInt8(ascii: "=")) else { throw scanner.error("expected '=' after the label name '\(name)'") }
            scanner.skipBlanks()
            guard scanner.take(UInt8(ascii: "\"")) else { throw scanner.error("the value of the label '\(name)' must be in double quotes") }
            let value = try scanner.labelValue()
            guard !labels.contains(where: { $0.name == name }) else { throw scanner.error("the label '\(name)' is given twice") }
            labels.append(ParsedSample.Label(name: name, value: value))
            scanner.skipBlanks()
            if scanner.take(UInt8(ascii: ",")) { continue }
            guard scanner.peek == UInt8(ascii: "}") else { throw scanner.error("expected ',' or '}' after the label '\(name)'") }
        }
    }

    /// A histogram's buckets need `le`, a summary's quantiles `quantile`, each a number.
    fileprivate static func check(_ sample: ParsedSample, of family: ParsedFamily, _ scanner: LineScanner) throws(TextFormatError) {
        let needed: String? = switch family.type {
        case .histogram where sample.name == family.name + "_bucket": "le"
        case .summary where sample.name == family.name: "quantile"
        default: nil
        }
        guard let needed else { return }
        guard let bound = sample.labels.first(where: { $0.name == needed }) else {
            throw scanner.error("'\(sample.name)' of the \(family.type.rawValue) '\(family.name)' needs the label '\(needed)'")
        }
        guard number(bound.value) != nil else { throw scanner.error("the label '\(needed)' must be a number, not '\(bound.value)'") }
    }

    /// A value as Go's `ParseFloat` reads the format's values: decimal, exponent, `NaN`, `+Inf`, `-Inf`.
    static func number(_ text: String) -> Double? {
        switch text {
        case "NaN": return .nan
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        default:
            guard text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || "+-.eE".utf8.contains($0) }) else { return nil }
            return Double(text)
        }
    }

    private static func firstInvalidLine(_ text: [UInt8]) -> Int {
        var line = 1
        for chunk in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if String(validating: chunk, as: UTF8.self) == nil { return line }
            line += 1
        }
        return line
    }
}
