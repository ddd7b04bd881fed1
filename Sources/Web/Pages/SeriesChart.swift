import Foundation
import Registry

// The charts are inline SVG written on the server, like the tree: they need no script, take their colours
// from the stylesheet's variables (so dark mode is the stylesheet's), and every chart has a text alternative.
// Nothing from a worker is written into them but through `HTMLText.append`.

/// The page's pictures of a time series: the chart of a subtree and the tree's sparklines.
enum SeriesChart {
    private static let left = 44.0, right = 792.0
    private static let linesTop = 12.0, linesBottom = 112.0
    private static let barsTop = 128.0, barsBottom = 156.0
    /// The statuses drawn as lines, in the order drawn (the worst on top).
    private static let lines: [WorkerStatus] = [.running, .lost, .failed]

    /// The chart of running, lost and failed workers of `query`'s node, and its errors per interval as
    /// bars, titled `title`; the page's `chart-summary` paragraph, under it, is its description.
    static func chart(_ points: [SeriesPoint], query: SeriesQuery, title: String) -> String {
        let peak = max(1, points.map { max($0.counts.running, $0.counts.lost, $0.counts.failed) }.max() ?? 0)
        let errorPeak = max(1, points.map(\.errors).max() ?? 0)
        let span = query.to.timeIntervalSince(query.from)
        func x(_ date: Date) -> Double { left + (right - left) * min(1, max(0, date.timeIntervalSince(query.from) / span)) }
        func y(_ count: Int) -> Double { linesBottom - (linesBottom - linesTop) * Double(count) / Double(peak) }

        var svg = #"<svg class="chart" viewBox="0 0 800 176" role="img" aria-labelledby="chart-title chart-summary">"#
        svg += #"<title id="chart-title">"#
        HTMLText.append(title, to: &svg)
        svg += "</title>"
        svg += #"<line class="axis" x1="44" y1="112" x2="792" y2="112"/><line class="axis" x1="44" y1="156" x2="792" y2="156"/>"#
        svg += #"<text class="label" x="38" y="20" text-anchor="end">"# + String(peak) + "</text>"
        svg += #"<text class="label" x="38" y="112" text-anchor="end">0</text>"#
        svg += #"<text class="label" x="38" y="138" text-anchor="end">"# + String(errorPeak) + "</text>"
        svg += #"<text class="label" x="44" y="172">"# + TimeText.span(span) + #" ago</text><text class="label" x="792" y="172" text-anchor="end">now</text>"#
        svg += #"<text class="label" x="418" y="172" text-anchor="middle">errors per "# + TimeText.span(query.step) + "</text>"
        let barWidth = max(1, (right - left) * query.step / span - 1)
        for point in points where point.errors > 0 {
            let top = barsBottom - (barsBottom - barsTop) * Double(point.errors) / Double(errorPeak)
            svg += #"<rect class="errors" x=""# + coordinate(x(point.at)) + #"" y=""# + coordinate(top) + #"" width=""#
                + coordinate(barWidth) + #"" height=""# + coordinate(barsBottom - top) + #""/>"#
        }
        for status in lines {
            for run in runs(points, step: query.step) {
                svg += #"<polyline class=""# + status.rawValue + #"" points=""#
                // A run of one point is drawn as a short level line across its interval.
                let ends = run.count == 1 ? [0.0, query.step] : [query.step / 2]
                svg += run.flatMap { point in ends.map { coordinate(x(point.at.addingTimeInterval($0))) + "," + coordinate(y(point.counts[status])) } }
                    .joined(separator: " ")
                svg += #""/>"#
            }
        }
        svg += "</svg>"
        return svg
    }

    /// `points` in words: the counts `now` (as the tree shows them, not as last sampled), their range over the
    /// span, and the errors in it.
    static func summary(_ points: [SeriesPoint], now: StatusCounts, span: String) -> String {
        let current = "Now \(now.running) running, \(now.lost) lost, \(now.failed) failed. "
        guard !points.isEmpty else {
            return current + "No samples yet for the last \(span): the server samples the tree once a minute."
        }
        let running = points.map(\.counts.running)
        let lost = points.map(\.counts.lost).max() ?? 0, failed = points.map(\.counts.failed).max() ?? 0
        let errors = points.reduce(0) { $0 + $1.errors }
        return current + "Over the last \(span): running from \(running.min() ?? 0) to \(running.max() ?? 0), lost at most \(lost), "
            + "failed at most \(failed); \(errors) \(errors == 1 ? "error" : "errors")."
    }

    /// A small line of a node's running workers over `query`, with its range in words for screen readers; nil
    /// for fewer than two points. Coordinates are whole units of a box twice its size, to keep a thousand of them short.
    static func sparkline(_ points: [SeriesPoint], query: SeriesQuery) -> String? {
        let running = points.map(\.counts.running)
        guard points.count > 1, let low = running.min(), let high = running.max() else { return nil }
        let span = query.to.timeIntervalSince(query.from)
        var svg = #"<svg class="sparkline" viewBox="0 0 120 28" width="60" height="14" role="img" aria-label="running in the last 24 h: "#
        svg += low == high ? String(low) : String(low) + " to " + String(high)
        svg += #""><polyline points=""#
        var first = true
        for point in points {
            let x = 120 * min(1, max(0, point.at.timeIntervalSince(query.from) / span))
            let y = high == low ? 14 : 26 - 24 * Double(point.counts.running - low) / Double(high - low)
            if !first { svg += " " }
            first = false
            svg += String(Int(x.rounded()))
            svg += ","
            svg += String(Int(y.rounded()))
        }
        svg += #""/></svg>"#
        return svg
    }

    /// Runs of points without a missing interval between them: a line breaks where the server was not sampling.
    private static func runs(_ points: [SeriesPoint], step: TimeInterval) -> [ArraySlice<SeriesPoint>] {
        var runs: [ArraySlice<SeriesPoint>] = []
        var start = points.startIndex
        for index in points.indices.dropFirst() where points[index].at.timeIntervalSince(points[index - 1].at) > step * 1.5 {
            runs.append(points[start..<index])
            start = index
        }
        if start < points.endIndex { runs.append(points[start...]) }
        return runs
    }

    /// A coordinate with one decimal at most, as SVG reads it.
    static func coordinate(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int(tenths / 10)) : String(tenths / 10)
    }
}
