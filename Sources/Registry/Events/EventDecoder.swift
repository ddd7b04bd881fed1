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
    /// A body that is neither throws; an item that is wrong only rejects that item.
    public func decodeBatch(from data: Data, receivedAt now: Date) throws(EventValidationError) -> [BatchItem] {
        let firstByte = data.first { !Self.whitespace.contains($0) }
        let items: [Data]
        if firstByte == UInt8(ascii: "[") {
            items = try splitArray(data)
        } else {
            items = data.split(separator: UInt8(ascii: "\n")).filter { line in line.contains { !Self.whitespace.contains($0) } }
        }
        if items.isEmpty { throw EventValidationError(field: "body", message: "contains no events") }
        if items.count > Limits.batchLength {
            throw EventValidationError(field: "body", message: "has \(items.count) events; at most \(Limits.batchLength) per request")
        }
        return items.map { item in
            Result { () throws(EventValidationError) in try decodePayload(from: item).validated(receivedAt: now) }
        }
    }

    private static let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]

    /// Splits a JSON array into its elements' bytes, keeping each element's own errors separate.
    private func splitArray(_ data: Data) throws(EventValidationError) -> [Data] {
        let elements: [Any]
        do {
            guard let array = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [Any] else {
                throw EventValidationError(field: "body", message: "is not a JSON array")
            }
            elements = array
        } catch let error as EventValidationError {
            throw error
        } catch {
            throw EventValidationError(field: "body", message: "is not valid JSON")
        }
        return elements.map { element in
            (try? JSONSerialization.data(withJSONObject: element, options: [.fragmentsAllowed])) ?? Data()
        }
    }

    private func decodePayload(from data: Data) throws(EventValidationError) -> EventPayload {
        do {
            return try JSONDecoder().decode(EventPayload.self, from: data)
        } catch let error as DecodingError {
            throw Self.validationError(for: error)
        } catch {
            throw EventValidationError(field: "body", message: "is not valid JSON")
        }
    }

    /// Describes a decoding failure by the field it happened at.
    static func validationError(for error: DecodingError) -> EventValidationError {
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
                return EventValidationError(field: "body", message: "is not a JSON object")
            }
            return EventValidationError(field: fieldName(context.codingPath), message: "has a value that cannot be read")
        @unknown default:
            return EventValidationError(field: "body", message: "cannot be read")
        }
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
