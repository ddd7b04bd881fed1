import Foundation
import Hummingbird
import Registry

/// Reads the query string of read requests, with an error naming the parameter when one is wrong.
struct QueryParameters {
    private let request: Request
    private let now: Date

    init(_ request: Request, now: Date) {
        self.request = request
        self.now = now
    }

    func text(_ name: String) -> String? {
        request.uri.queryParameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Every value of a repeatable parameter, commas splitting values too (`status=running,lost`).
    func list(_ name: String) -> [String] {
        request.uri.queryParameters[values: Substring(name)].flatMap { $0.split(separator: ",") }.map(String.init)
    }

    /// Every value of `name` as an HTML form sends it by GET (``FormEncoding``), so that a page's search for
    /// two words finds them.
    func formList(_ name: String) -> [String] {
        guard let query = request.uri.query else { return [] }
        return FormEncoding.pairs(query[...]).filter { $0.name == name }.map(\.value)
    }

    /// The first value of `name` as a form sends it (see ``formList(_:)``); `nil` when missing or empty.
    func formText(_ name: String) -> String? {
        formList(name).first { !$0.isEmpty }
    }

    func limit(default defaultValue: Int, max maximum: Int) throws -> Int {
        guard let text = text("limit") else { return defaultValue }
        guard let value = Int(text), (1...maximum).contains(value) else {
            throw APIError(.badRequest, "must be a whole number from 1 to \(maximum)", field: "limit")
        }
        return value
    }

    func statuses() throws -> Set<WorkerStatus> {
        Set(try list("status").map(Self.status(named:)))
    }

    /// The status `name`; an error naming `status` and the known statuses otherwise.
    static func status(named name: String) throws(APIError) -> WorkerStatus {
        guard let status = WorkerStatus(rawValue: name) else {
            let known = WorkerStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError(.badRequest, "unknown status '\(name)'; expected one of \(known)", field: "status")
        }
        return status
    }

    func group(_ name: String = "group") throws -> GroupFilter? {
        guard let text = text(name) else { return nil }
        return try GroupFilter(parsing: text, field: name)
    }

    /// Text to find in a worker's id, host, version or latest message (``WorkerQuery/search``).
    func search(_ name: String) throws -> String? {
        guard let text = text(name) else { return nil }
        guard text.unicodeScalars.count <= WorkerQuery.maxSearchLength else {
            throw APIError(.badRequest, "at most \(WorkerQuery.maxSearchLength) characters", field: name)
        }
        return text
    }

    /// One worker id.
    func workerID(_ name: String) throws -> String? {
        guard let text = text(name) else { return nil }
        try Identifiers.validateID(text, field: name)
        return text
    }

    /// A worker id or a glob over ids (`*`, `Importer*`).
    func idPattern(_ name: String) throws -> IDPattern? {
        try text(name).map { text throws(EventValidationError) in try IDPattern(parsing: text, field: name) }
    }

    /// History event names, comma-separated or repeated; empty for all.
    func historyEvents(_ name: String) throws -> Set<HistoryEvent> {
        Set(try list(name).map { text in
            guard let event = HistoryEvent(rawValue: text) else {
                throw APIError(.badRequest, "unknown event '\(text)'; expected one of \(HistoryEvent.allNames)", field: name)
            }
            return event
        })
    }

    func since() throws -> Date? {
        try time("since")
    }

    /// A time as events write `at`: `now`, RFC 3339 or Unix seconds.
    func time(_ name: String) throws -> Date? {
        guard let text = text(name) else { return nil }
        do {
            return try EventTime.parse(text, now: now)
        } catch {
            throw APIError(.badRequest, error.message, field: name)
        }
    }

    /// A whole number from 0 to `maximum`.
    func count(_ name: String, max maximum: Int) throws -> Int? {
        guard let text = text(name) else { return nil }
        guard let value = Int(text), (0...maximum).contains(value) else {
            throw APIError(.badRequest, "must be a whole number from 0 to \(maximum)", field: name)
        }
        return value
    }

    /// One group path (not a pattern).
    func groupPath(_ name: String) throws -> String? {
        guard let text = text(name) else { return nil }
        try Identifiers.validateGroup(text, field: name)
        return text
    }

    func sequence(_ name: String) throws -> Int64? {
        guard let text = text(name) else { return nil }
        guard let value = Int64(text), value > 0 else {
            throw APIError(.badRequest, "must be a positive whole number", field: name)
        }
        return value
    }
}
