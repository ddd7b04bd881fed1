import Registry
import Testing
@testable import WokmanagerMetrics

/// The text exposition format 0.0.4 as pushes send it: what prometheus-client writes is read whole, and every
/// mistake is named with its line.
@Suite("Text format parser")
struct TextFormatParserTests {
    private func parse(_ text: String, maxSeries: Int = 1000) throws(TextFormatError) -> [ParsedFamily] {
        try TextFormatParser.parse(Array(text.utf8), maxSeries: maxSeries)
    }

    @Test("the families prometheus-client writes: a counter, a histogram, a summary, escaped labels and help")
    func clientOutput() throws {
        let families = try parse("""
            # HELP jobs_total Jobs done \\\\ with a\\nnew line
            # TYPE jobs_total counter
            jobs_total{queue="a\\"b\\\\c\\nd"} 3.0
            # TYPE dur_seconds histogram
            dur_seconds_bucket{le="0.1"} 0.0
            dur_seconds_bucket{le="+Inf"} 1.0
            dur_seconds_count 1.0
            dur_seconds_sum 0.5
            # TYPE lat summary
            lat{quantile="0.5"} NaN
            lat_count 1
            lat_sum 2.0e+00
              untyped_one   -Inf
            """)
        #expect(families.map(\.name) == ["jobs_total", "dur_seconds", "lat", "untyped_one"])
        #expect(families.map(\.type) == [.counter, .histogram, .summary, .untyped])
        #expect(families[0].help == "Jobs done \\ with a\nnew line")
        #expect(families[0].samples[0].labels == [ParsedSample.Label(name: "queue", value: "a\"b\\c\nd")])
        #expect(families[1].samples.map(\.name) == ["dur_seconds_bucket", "dur_seconds_bucket", "dur_seconds_count", "dur_seconds_sum"])
        #expect(families[2].samples[0].value.isNaN && families[2].samples[2].value == 2)
        #expect(families[3].samples[0].value == -.infinity && families[3].samples[0].line == 13)
    }

    @Test("mistakes are named with their line", arguments: [
        ("a 1\nb{x=\"1\" 2\n", 2, "expected ',' or '}' after the label 'x'"),
        ("a{x=\"\\t\"} 1", 1, "an unknown escape '\\t'"),
        ("a{x=\"open} 1", 1, "a label value is not closed"),
        ("a{x=\"1\",x=\"2\"} 1", 1, "the label 'x' is given twice"),
        ("a 1\na 2", 2, "the series a{} is given twice"),
        ("a one", 1, "'one' is not a number"),
        ("a 0x10", 1, "'0x10' is not a number"),
        ("a 1 1700000000", 1, "may not carry a timestamp"),
        ("# TYPE a counter\n# TYPE a gauge", 2, "a second # TYPE for 'a'"),
        ("a 1\n# TYPE a gauge", 2, "# TYPE for 'a' after its samples"),
        ("a 1\nb 1\na{x=\"y\"} 2", 3, "'a' appeared before; the lines of a family must be together"),
        ("# TYPE h histogram\nh_sum 1\nother 1\nh_count 1", 4, "'h_count' appeared before"),
        ("# TYPE a meter", 1, "unknown type 'meter'"),
        ("# TYPE h histogram\nh_bucket{le=\"x\"} 1", 2, "the label 'le' must be a number"),
        ("# TYPE s summary\ns 1", 2, "'s' of the summary 's' needs the label 'quantile'"),
        ("9lives 1", 1, "expected a metric name"),
        ("a{0x=\"1\"} 1", 1, "expected a label name or '}'"),
        ("a 1\nb 1\nc 1", 3, "more than 2 series in one push"),
    ])
    func mistakes(text: String, line: Int, message: String) {
        #expect {
            _ = try parse(text, maxSeries: 2)
        } throws: { error in
            guard let error = error as? TextFormatError else { return false }
            return error.line == line && error.message.contains(message)
        }
    }

    @Test("text that is not UTF-8 is refused with its line")
    func notUTF8() {
        #expect(throws: TextFormatError(line: 2, message: "is not valid UTF-8")) {
            try TextFormatParser.parse(Array("a 1\nb{x=\"".utf8) + [0xFF] + Array("\"} 1".utf8), maxSeries: 10)
        }
    }

    @Test("comments, blank lines and a trailing comma in the labels are taken")
    func lenient() throws {
        let families = try parse("# just a comment\n\n#\na{x=\"1\",} 1\n\t\n")
        #expect(families.map(\.name) == ["a"] && families[0].samples[0].labels.map(\.name) == ["x"])
        let lookalikes = try parse("b{x=\"1\\\",y=\\\"2\"} 1\nb{x=\"1\",y=\"2\"} 1\n")
        #expect(lookalikes[0].samples.count == 2, "a value holding `\",y=\"` is not the two labels it spells")
    }
}
