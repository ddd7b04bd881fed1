import Foundation
import Registry

/// A worker's recent runs, drawn as bars from start to end coloured by how each ended, with its errors as
/// ticks; inline SVG like ``SeriesChart``, with the runs listed in a table under it.
struct WorkerTimeline: Sendable {
    /// One run: from a change to running until the next change away from it (or now).
    struct Run: Sendable, Equatable {
        let start: Date
        /// `nil` while it runs.
        let end: Date?
        /// How it ended: stopped, failed or lost; running while it runs.
        let outcome: WorkerStatus
    }

    /// A run as the table lists it.
    struct Row: Sendable {
        let start: PageTime
        let end: PageTime?
        let duration: String
        let outcome: String
    }

    let svg: String
    let summary: String
    /// Newest first.
    let rows: [Row]

    init?(changes: [HistoryEntry], errors: [HistoryEntry], now: Date) {
        let runs = Self.runs(changes)
        guard let first = runs.first else { return nil }
        let from = first.start, span = max(60, now.timeIntervalSince(first.start))
        func x(_ date: Date) -> Double { Self.left + (Self.right - Self.left) * min(1, max(0, date.timeIntervalSince(from) / span)) }
        var svg = #"<svg class="chart timeline" viewBox="0 0 800 76" role="img" aria-labelledby="timeline-title timeline-summary">"#
        svg += #"<title id="timeline-title">Runs and errors of this worker</title><line class="axis" x1="8" y1="44" x2="792" y2="44"/>"#
        for run in runs {
            let start = x(run.start), end = max(start + 2, x(run.end ?? now))
            svg += #"<rect class=""# + run.outcome.rawValue + #"" x=""# + SeriesChart.coordinate(start) + #"" y="16" width=""#
                + SeriesChart.coordinate(end - start) + #"" height="22"><title>"# + run.outcome.rawValue + ", "
                + TimeText.span((run.end ?? now).timeIntervalSince(run.start)) + "</title></rect>"
            if end - start > 34 {
                svg += #"<text class="label" x=""# + SeriesChart.coordinate((start + end) / 2) + #"" y="12" text-anchor="middle">"#
                    + TimeText.span((run.end ?? now).timeIntervalSince(run.start)) + "</text>"
            }
        }
        let shownErrors = errors.filter { $0.at >= from }
        for error in shownErrors {
            svg += #"<line class="tick" x1=""# + SeriesChart.coordinate(x(error.at)) + #"" y1="46" x2=""# + SeriesChart.coordinate(x(error.at)) + #"" y2="56"/>"#
        }
        svg += #"<text class="label" x="8" y="68">"# + TimeText.span(span) + #" ago</text><text class="label" x="792" y="68" text-anchor="end">now</text></svg>"#
        self.svg = svg
        let ended = runs.filter { $0.end != nil }
        let outcomes = [WorkerStatus.stopped, .failed, .lost].compactMap { status -> String? in
            let count = ended.filter { $0.outcome == status }.count
            return count > 0 ? "\(count) \(status.rawValue)" : nil
        }
        summary = "\(runs.count) \(runs.count == 1 ? "run" : "runs") in the last \(TimeText.span(span))"
            + (outcomes.isEmpty ? "" : ": " + outcomes.joined(separator: ", ")) + (runs.last?.end == nil ? "; running now" : "")
            + "; \(shownErrors.count) \(shownErrors.count == 1 ? "error" : "errors")."
        rows = runs.reversed().map { run in
            Row(start: PageTime(run.start, now: now), end: run.end.map { PageTime($0, now: now) },
                duration: TimeText.span((run.end ?? now).timeIntervalSince(run.start)), outcome: run.outcome.rawValue)
        }
    }

    /// The runs in `changes` (state changes, newest first), oldest first.
    static func runs(_ changes: [HistoryEntry]) -> [Run] {
        var runs: [Run] = []
        var start: Date?
        for change in changes.reversed() {
            guard let status = change.status else { continue }
            if status == .running {
                if start == nil { start = change.at }
            } else if let began = start {
                runs.append(Run(start: began, end: max(began, change.at), outcome: status))
                start = nil
            }
        }
        if let start { runs.append(Run(start: start, end: nil, outcome: .running)) }
        return runs
    }

    private static let left = 8.0, right = 792.0
}
