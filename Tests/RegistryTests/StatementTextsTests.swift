import Synchronization
import Testing
@testable import Registry

/// Statement texts kept per shape are built once and told apart by statement and row count.
@Suite("Statement texts")
struct StatementTextsTests {
    @Test("a shape is built once; another statement or row count is built anew")
    func builtOncePerShape() {
        let texts = StatementTexts()
        let builds = Mutex(0)
        let build = { (rows: Int) -> String in
            builds.withLock { $0 += 1 }
            return "rows \(rows)"
        }
        #expect(texts.text("upsert", rows: 16, build) == "rows 16")
        #expect(texts.text("upsert", rows: 16, build) == "rows 16")
        #expect(builds.withLock { $0 } == 1)
        #expect(texts.text("upsert", rows: 32, build) == "rows 32")
        #expect(texts.text("append", rows: 16, build) == "rows 16")
        #expect(builds.withLock { $0 } == 3)
    }

    @Test("a batch's statements carry the text its row count needs, whatever batch built it first")
    func batchTextsMatchTheirRows() {
        let sql = WorkerBatchSQL(dialect: .sqlite)
        let first = sql.select((0..<20).map { "w\($0)" }), second = sql.select((0..<40).map { "w\($0)" })
        #expect(first.map(\.values.count) == [32])
        #expect(second.map(\.values.count) == [64])
        for statement in first + second {
            #expect(statement.sql.components(separatedBy: "?").count - 1 == statement.values.count)
        }
    }
}
