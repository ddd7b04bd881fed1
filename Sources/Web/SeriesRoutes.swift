import Foundation
import Hummingbird
import Registry

/// `GET /series`: a tree node's time series as JSON, the data the page's charts draw.
struct SeriesRoutes<Context: RequestContext> {
    let registry: WorkerRegistry

    func register(on group: RouterGroup<Context>) {
        group.get("/series", use: series)
    }

    struct SeriesAnswer: ResponseEncodable {
        /// The subtree, `nil` for the whole tree.
        var group: String?
        var from: Date
        var to: Date
        /// Seconds per point.
        var step: Int
        /// Seconds between the samples read: 60, or 3600 past the 48 h minutes are kept.
        var resolution: Int
        var points: [SeriesPoint]
    }

    @Sendable func series(_ request: Request, context: Context) async throws -> SeriesAnswer {
        let now = registry.clock.now()
        let query = try Self.query(QueryParameters(request, now: now), now: now)
        let resolution = SeriesResolution.answering(from: query.from, step: query.step, now: now)
        return SeriesAnswer(
            group: query.node.isEmpty ? nil : query.node, from: query.from, to: query.to, step: Int(query.step),
            resolution: resolution.rawValue, points: try await registry.series(query))
    }

    /// Reads `group`, `span` (hour, day, week) or `from` and `to`, and `step`; a missing step draws about 60 points.
    static func query(_ parameters: QueryParameters, now: Date) throws -> SeriesQuery {
        let node: String
        switch try parameters.group() {
        case nil: node = ""
        case .subtree(let path): node = path
        case .glob: throw APIError(.badRequest, "must be one group path, not a pattern", field: "group")
        }
        let span = try parameters.text("span").map { text in
            guard let span = SeriesSpan(rawValue: text) else {
                throw APIError(.badRequest, "unknown span '\(text)'; expected one of hour, day, week", field: "span")
            }
            return span
        }
        let to = try parameters.time("to") ?? now
        let from = try parameters.time("from") ?? to.addingTimeInterval(-(span ?? .hour).seconds)
        guard from < to else { throw APIError(.badRequest, "must be later than from", field: "to") }
        let step = try step(parameters, from: from, to: to, now: now, span: span)
        guard ((to.timeIntervalSince(from)) / step).rounded(.up) <= Double(SeriesQuery.maxPoints) else {
            throw APIError(.badRequest, "gives more than \(SeriesQuery.maxPoints) points from \(RFC3339.format(from)) to \(RFC3339.format(to)); take a longer step",
                           field: "step")
        }
        return SeriesQuery(node: node, from: from, to: to, step: step)
    }

    private static func step(_ parameters: QueryParameters, from: Date, to: Date, now: Date, span: SeriesSpan?) throws -> TimeInterval {
        guard let text = parameters.text("step") else {
            if let span, parameters.text("from") == nil { return span.step }
            let minutes = SeriesResolution.answering(from: from, step: 60, now: now) == .minute
            let unit = minutes ? SeriesResolution.minute.seconds : SeriesResolution.hour.seconds
            return max(1, (to.timeIntervalSince(from) / 60 / unit).rounded(.up)) * unit
        }
        guard let step = DurationText.seconds(text), step >= 60, step.truncatingRemainder(dividingBy: 60) == 0 else {
            throw APIError(.badRequest, "must be a whole number of minutes, at least 60 seconds (60, 5m, 1h)", field: "step")
        }
        if SeriesResolution.answering(from: from, step: step, now: now) == .hour, step.truncatingRemainder(dividingBy: 3600) != 0 {
            throw APIError(.badRequest, "must be a whole number of hours for a series starting more than 48 h ago (samples of a minute are kept for 48 h)",
                           field: "step")
        }
        return step
    }
}
