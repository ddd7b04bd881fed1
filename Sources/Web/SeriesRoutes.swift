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
        /// Seconds between the samples read: 60, or 3600 for a series starting more than 48 h ago.
        var resolution: Int
        var points: [SeriesPoint]
    }

    @Sendable func series(_ request: Request, context: Context) async throws -> SeriesAnswer {
        let now = registry.clock.now()
        let query = try Self.query(QueryParameters(request, now: now), now: now)
        return SeriesAnswer(
            group: query.node.isEmpty ? nil : query.node, from: query.from, to: query.to, step: Int(query.step),
            resolution: query.resolution.rawValue, points: try await registry.series(query))
    }

    /// Reads `group`, `span` (hour, day, week) or `from` and `to`, and `step`; a missing step is the span's, or
    /// draws about 60 points.
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
        let resolution = SeriesResolution.answering(from: from, now: now)
        let spanStep = parameters.text("from") == nil ? span?.step : nil
        let step = try step(parameters.text("step"), from: from, to: to, spanStep: spanStep, resolution: resolution)
        let query = SeriesQuery(node: node, from: from, to: to, step: step, resolution: resolution)
        guard query.intervalCount <= SeriesQuery.maxPoints else {
            throw APIError(.badRequest, "gives more than \(SeriesQuery.maxPoints) points from \(RFC3339.format(from)) to \(RFC3339.format(to)); take a longer step",
                           field: "step")
        }
        return query
    }

    /// The step `text` asks for; without one, `spanStep` or about 60 points, in whole units of `resolution`.
    private static func step(
        _ text: String?, from: Date, to: Date, spanStep: TimeInterval?, resolution: SeriesResolution
    ) throws -> TimeInterval {
        let unit = resolution.seconds
        guard let text else {
            return max(1, ((spanStep ?? to.timeIntervalSince(from) / 60) / unit).rounded(.up)) * unit
        }
        guard let step = DurationText.seconds(text), step >= 60, step.truncatingRemainder(dividingBy: 60) == 0 else {
            throw APIError(.badRequest, "must be a whole number of minutes, at least 60 seconds (60, 5m, 1h)", field: "step")
        }
        guard step <= max(to.timeIntervalSince(from), unit) else {
            throw APIError(.badRequest, "must not be longer than from to to", field: "step")
        }
        if resolution == .hour, step.truncatingRemainder(dividingBy: unit) != 0 {
            throw APIError(.badRequest, "must be a whole number of hours for a series starting more than 48 h ago (samples of a minute are kept for 48 h)",
                           field: "step")
        }
        return step
    }
}
