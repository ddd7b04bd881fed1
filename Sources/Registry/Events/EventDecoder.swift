import Foundation

/// Turns request bodies into validated events, with an error that names the field when one is wrong.
public struct EventDecoder: Sendable {
    /// Creates a decoder.
    public init() {}

    /// Decodes one JSON object into an event.
    public func decodeEvent(from data: Data, receivedAt now: Date) throws(EventValidationError) -> WorkerEvent {
        try decodePayload(from: data).validated(receivedAt: now)
    }

    /// One item of a batch: its event, or why it was rejected.
    public typealias BatchItem = Result<WorkerEvent, EventValidationError>

    /// Decodes a batch: a JSON array of events, or NDJSON (one event object per line).
    ///
    /// A body that is neither throws; an item that is wrong only rejects that item. A leading UTF-8 byte order
    /// mark is skipped, as it is for a single event.
    public func decodeBatch(from data: Data, receivedAt now: Date) throws(EventValidationError) -> [BatchItem] {
        let data = data.starts(with: Self.byteOrderMark) ? Data(data.dropFirst(Self.byteOrderMark.count)) : data
        let firstByte = data.first { !Self.whitespace.contains($0) }
        let decoded = { (item: Data) in Result { () throws(EventValidationError) in try decodeEvent(from: item, receivedAt: now) } }
        let items: [BatchItem]
        if firstByte == UInt8(ascii: "[") {
            if let read = EventPayloadReader.payloads(inArray: data, limit: Limits.batchLength) {
                items = read.map { payload in Result { () throws(EventValidationError) in try payload.validated(receivedAt: now) } }
            } else {
                items = try splitArray(data).map(decoded)
            }
        } else {
            guard let lines = BatchElements.lines(of: data, limit: Limits.batchLength) else { throw Self.tooManyEvents }
            items = lines.map(decoded)
        }
        if items.isEmpty { throw EventValidationError(field: "body", message: "contains no events") }
        return items
    }

    /// One reader for every body and batch element (decoding is safe from several threads at once).
    private static let json = JSONDecoder()
    private static let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
    private static let tooManyEvents = EventValidationError(
        field: "body", message: "has more than \(Limits.batchLength) events, the most one request may carry")

    /// Splits a JSON array into its elements' bytes, keeping each element's own errors separate.
    ///
    /// The elements are counted first (an oversized batch is refused before anything is decoded), then the
    /// same JSON reader as for a single event checks the whole body.
    private func splitArray(_ data: Data) throws(EventValidationError) -> [Data] {
        guard let elements = BatchElements.arrayElements(of: data, limit: Limits.batchLength) else { throw Self.tooManyEvents }
        let count: Int
        do {
            count = try Self.json.decode([Unread].self, from: data).count
        } catch DecodingError.typeMismatch {
            throw EventValidationError(field: "body", message: "is not a JSON array")
        } catch {
            throw EventValidationError(field: "body", message: "is not valid JSON")
        }
        guard elements.count == count else { throw EventValidationError(field: "body", message: "is not valid JSON") }
        return elements
    }

    /// An array element, checked to be JSON and otherwise left alone.
    private struct Unread: Decodable {
        init(from decoder: any Decoder) {}
    }

    private func decodePayload(from data: Data) throws(EventValidationError) -> EventPayload {
        if let payload = EventPayloadReader.payload(in: data) { return payload }
        do {
            return try Self.json.decode(EventPayload.self, from: data)
        } catch let error as DecodingError {
            throw Self.validationError(for: error, in: data)
        } catch {
            throw EventValidationError(field: "body", message: "is not valid JSON")
        }
    }

    /// Describes a decoding failure by the field it happened at.
    static func validationError(for error: DecodingError, in data: Data) -> EventValidationError {
        switch error {
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return EventValidationError(field: "body", message: "must be a JSON object")
        case .typeMismatch(let type, let context):
            return EventValidationError(field: fieldName(context.codingPath), message: "must be \(expected(type))")
        case .valueNotFound(let type, let context):
            return EventValidationError(field: fieldName(context.codingPath), message: "must be \(expected(type)), not null")
        case .keyNotFound(let key, let context):
            return EventValidationError(field: fieldName(context.codingPath + [key]), message: "is required")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return unfitNumber(in: data) ?? EventValidationError(field: "body", message: "is not a JSON object")
            }
            return EventValidationError(field: fieldName(context.codingPath), message: "has a value that cannot be read")
        @unknown default:
            return EventValidationError(field: "body", message: "cannot be read")
        }
    }

    /// The whole-number field holding a number that no `Int` holds (`"pid": 1.5`, `"exit_code": 1e30`).
    /// Foundation reports those as corrupt data without a coding path; this names the field instead.
    static func unfitNumber(in data: Data) -> EventValidationError? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        for key in [EventPayload.CodingKeys.exitCode, .pid].map(\.stringValue) {
            if let number = object[key] as? NSNumber, Int(exactly: number.doubleValue) == nil {
                return EventValidationError(field: key, message: "must be a whole number that fits in 64 bits")
            }
        }
        return nil
    }

    private static func fieldName(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "body" : path.map(\.stringValue).joined(separator: ".")
    }

    private static func expected(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Double.Type, is Int.Type: "a number"
        case is [String: String].Type, is [String: Any].Type: "an object of strings"
        default: "a JSON object"
        }
    }
}
