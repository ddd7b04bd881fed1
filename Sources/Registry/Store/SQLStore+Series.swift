import Foundation

extension SQLStore {
    public func recordSamples(at minute: Date, liveness: Liveness) async throws -> Int {
        let sql = sql, seriesSQL = SeriesSQL(dialect: database.dialect)
        return try await database.write { connection in
            let counts = WorkerSQL.liveCounts(try await connection.rows(sql.groupCounts(liveness: liveness), WorkerSQL.storedCount))
            let events = try await connection.rows(SeriesSQL.eventTotals) { (try $0.text("name"), try $0.int("events")) }
            let errors = try await connection.rows(SeriesSQL.errorTotals) { (try $0.text("label"), try $0.int("value")) }
            let samples = SeriesSampling.samples(
                at: minute, counts: counts, eventTotals: Dictionary(events, uniquingKeysWith: +), errorTotals: Dictionary(errors, uniquingKeysWith: +))
            for sample in samples {
                try await connection.run(seriesSQL.upsert(sample, .minute))
                try await connection.run(seriesSQL.upsert(sample, .hour))
            }
            return samples.count
        }
    }

    public func samples(of node: String, resolution: SeriesResolution, from: Date, to: Date) async throws -> [SeriesSample] {
        let statement = SeriesSQL(dialect: database.dialect).samples(of: node, resolution, from: from, to: to)
        return try await database.read { connection in try await connection.rows(statement, SeriesSQL.sample) }
    }

    public func samples(resolution: SeriesResolution, since from: Date) async throws -> [String: [SeriesSample]] {
        let statement = SeriesSQL(dialect: database.dialect).samples(resolution, since: from)
        let samples = try await database.read { connection in try await connection.rows(statement, SeriesSQL.sample) }
        return Dictionary(grouping: samples, by: \.node)
    }
}
