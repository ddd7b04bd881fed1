import Foundation
import HummingbirdTesting
import Mustache
import Registry
import SQLiteExecutor
import Testing

@testable import Web

/// The status page's types answer the template's lookups themselves (StatusPage+Mustache.swift); each must
/// answer every one of its stored properties as reflection would, or a template would silently lose a value.
@Suite("Mustache lookups")
struct MustacheLookupTests {
    /// The stored properties of `value` that `child(named:)` answers differently from reflection: nil for a
    /// value that is there, or a value for one that is nil.
    private func unanswered(_ value: some MustacheParent) -> [String] {
        Mirror(reflecting: value).children.compactMap { property in
            guard let label = property.label else { return nil }
            let mirrored = Mirror(reflecting: property.value)
            let present = mirrored.displayStyle != .optional || !mirrored.children.isEmpty
            return (value.child(named: label) != nil) == present ? nil : label
        }
    }

    @Test("the status page and every part of it answer each of their stored properties")
    func everyPropertyAnswered() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wokmanager-lookups-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await withApp(folder: folder) { client, clock in
            try await client.postState(eventJSON("Importer01"))
            try await client.postState(eventJSON("Importer01", "product.importer", "error", extra: #", "message": "row 17", "action": "skipped""#))
            try await client.postState(eventJSON("Importer01", "product.importer", "stopped", extra: #", "exit_code": 2"#))
            let store = SQLStore(database: try await SQLiteDatabase.open(path: folder.appendingPathComponent("web.sqlite").path))
            let registry = WorkerRegistry(store: store, clock: clock.wallClock)
            let viewer = Viewer(name: "ops", role: "admin", canAct: true, csrfToken: "token", notice: "done")
            let filters = StatusPage.Filters(group: "product", statuses: [], search: nil, sort: "nope", direction: nil, page: nil, size: nil, chart: nil)
            let page = try await StatusPage.build(registry: registry, filters: filters, viewer: viewer, sparklines: SparklineCache())
            try await store.close()

            #expect(unanswered(page) == [])
            #expect(unanswered(page.summary) == [] && unanswered(page.paging) == [] && unanswered(page.fieldErrors) == [])
            #expect(unanswered(viewer) == [] && unanswered(page.generatedAt) == [])
            let chart = try #require(page.chart)
            let parts: [any MustacheParent] = [
                chart, try #require(chart.spans.first), try #require(page.statusOptions.first), try #require(page.columns.first),
                try #require(page.workers.first), try #require(page.errors.first), try #require(page.problems.first),
                StatusPage.NumberRow(name: "queue_lag_seconds", sum: "2", range: "2 to 2", workers: 1),
            ]
            for part in parts { #expect(unanswered(part) == [], "\(type(of: part))") }
            #expect(page.fieldErrors.sort != nil, "a wrong sort, so that a field error is there to answer")
        }
    }
}
