import Foundation

/// The statements of ``SQLStore``'s time series: table `series`, one row per tree node, resolution and time.
struct SeriesSQL: Sendable {
    let dialect: SQLDialect

    static let columns = "node, at, running, lost, failed, stopped, events, errors"
    /// Each group's events so far (kept with every batch) and its errors so far.
    static let eventTotals = SQLStatement("SELECT name, events FROM groups")
    static let errorTotals = SQLStatement("SELECT label, value FROM counters WHERE name = 'errors'")

    /// Stores `sample` at `resolution`, replacing what that node had there: an hour keeps its latest minute, but
    /// its highest lost and failed counts, so that trouble within the hour still shows.
    func upsert(_ sample: SeriesSample, _ resolution: SeriesResolution) -> SQLStatement {
        let p = dialect.placeholder, greatest = dialect.greatest
        let updates = Self.columns.split(separator: ",").dropFirst(2).map { $0.trimmingCharacters(in: .whitespaces) }
            .map { column in
                resolution == .hour && SeriesSample.peakStatuses.contains { $0.rawValue == column }
                    ? "\(column) = \(greatest)(series.\(column), excluded.\(column))" : "\(column) = excluded.\(column)"
            }
            .joined(separator: ", ")
        return SQLStatement(
            "INSERT INTO series (step, \(Self.columns)) VALUES (\((1...9).map(p).joined(separator: ", "))) "
                + "ON CONFLICT (node, step, at) DO UPDATE SET \(updates)",
            [.integer(resolution.rawValue), .text(sample.node), .real(resolution.start(of: sample.at).timeIntervalSince1970),
             .integer(sample.counts.running), .integer(sample.counts.lost), .integer(sample.counts.failed), .integer(sample.counts.stopped),
             .integer(sample.eventsTotal), .integer(sample.errorsTotal)])
    }

    /// The samples of `node` at `resolution` from `from` up to `to`, oldest first.
    func samples(of node: String, _ resolution: SeriesResolution, from: Date, to: Date) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement(
            "SELECT \(Self.columns) FROM series WHERE node = \(p(1)) AND step = \(p(2)) AND at >= \(p(3)) AND at < \(p(4)) ORDER BY at",
            [.text(node), .integer(resolution.rawValue), .real(from.timeIntervalSince1970), .real(to.timeIntervalSince1970)])
    }

    /// The samples of every node at `resolution` since `from`, by node and then oldest first.
    func samples(_ resolution: SeriesResolution, since from: Date) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement(
            "SELECT \(Self.columns) FROM series WHERE step = \(p(1)) AND at >= \(p(2)) ORDER BY node, at",
            [.integer(resolution.rawValue), .real(from.timeIntervalSince1970)])
    }

    /// Samples at `resolution` older than `cutoff`.
    func prune(_ resolution: SeriesResolution, before cutoff: Date) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement("DELETE FROM series WHERE step = \(p(1)) AND at < \(p(2))", [.integer(resolution.rawValue), .real(cutoff.timeIntervalSince1970)])
    }

    static func sample(from row: any SQLRow) throws -> SeriesSample {
        var counts = StatusCounts()
        counts.running = try row.int("running")
        counts.lost = try row.int("lost")
        counts.failed = try row.int("failed")
        counts.stopped = try row.int("stopped")
        return SeriesSample(node: try row.text("node"), at: try row.date("at"), counts: counts,
                            eventsTotal: try row.int("events"), errorsTotal: try row.int("errors"))
    }
}
