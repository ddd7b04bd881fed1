import Foundation

/// An event as a worker sends it: every field optional, so that each missing or wrong one gets its own error.
public struct EventPayload: Decodable, Sendable, Equatable {
    public var id: String?
    public var group: String?
    public var event: String?
    public var at: TimeValue?
    public var ttl: Double?
    public var message: String?
    public var action: String?
    public var exitCode: Int?
    public var host: String?
    public var pid: Int?
    public var version: String?
    public var labels: [String: String]?
    public var metrics: [String: Double]?

    enum CodingKeys: String, CodingKey {
        case id, group, event, at, ttl, message, action, host, pid, version, labels, metrics
        case exitCode = "exit_code"
    }

    /// The `at` field, which may be text (`"now"`, RFC 3339, digits) or a number of Unix seconds.
    public enum TimeValue: Decodable, Sendable, Equatable {
        case text(String)
        case seconds(Double)

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let seconds = try? container.decode(Double.self) {
                self = .seconds(seconds)
            } else {
                self = .text(try container.decode(String.self))
            }
        }
    }

    /// Checks every field and builds the event; `now` is the server's receive time.
    public func validated(receivedAt now: Date) throws(EventValidationError) -> WorkerEvent {
        guard let id else { throw EventValidationError(field: "id", message: "is required") }
        try Identifiers.validateID(id)
        guard let group else { throw EventValidationError(field: "group", message: "is required") }
        try Identifiers.validateGroup(group)
        guard let eventName = event else {
            throw EventValidationError(field: "event", message: "is required (one of \(EventKind.allNames))")
        }
        guard let kind = EventKind(rawValue: eventName) else {
            throw EventValidationError(field: "event", message: "unknown event; expected one of \(EventKind.allNames)")
        }
        let date: Date
        switch at {
        case nil: date = now
        case .text(let text): date = try EventTime.parse(text, now: now)
        case .seconds(let seconds): date = try EventTime.fromUnix(seconds, now: now)
        }
        if let ttl, !(0...Limits.maxTTL).contains(ttl) {
            throw EventValidationError(field: "ttl", message: "must be between 0 and \(Int(Limits.maxTTL)) seconds")
        }
        if let pid, pid < 0 { throw EventValidationError(field: "pid", message: "must not be negative") }
        if kind == .error, message == nil {
            throw EventValidationError(field: "message", message: "is required for an error event")
        }
        return WorkerEvent(
            id: id,
            group: group,
            kind: kind,
            at: date,
            receivedAt: now,
            ttl: ttl,
            message: message.map(Self.truncated),
            action: try Self.shortText(action, field: "action"),
            exitCode: exitCode,
            host: try Self.shortText(host, field: "host"),
            pid: pid,
            version: try Self.shortText(version, field: "version"),
            labels: try labels.map(Self.validatedLabels),
            metrics: try metrics.map(WorkerMetric.validated)
        )
    }

    /// Cuts a long message instead of rejecting the whole report. Lengths count code points, so a message
    /// of combining marks is cut like any other.
    static func truncated(_ message: String) -> String {
        let message = withoutNUL(message)
        guard message.unicodeScalars.count > Limits.messageLength else { return message }
        let kept = message.unicodeScalars.prefix(Limits.messageLength - Limits.truncationMarker.unicodeScalars.count)
        return String(String.UnicodeScalarView(kept)) + Limits.truncationMarker
    }

    /// Replaces U+0000, which no store keeps faithfully, with U+FFFD.
    ///
    /// This works on code points: Foundation's string search (`contains`, `replacingOccurrences`) takes a NUL
    /// followed by a combining mark for one character and misses it.
    static func withoutNUL(_ text: String) -> String {
        guard text.utf8.contains(0) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\0" ? "\u{FFFD}" : $0 }))
    }

    private static func shortText(_ text: String?, field: String) throws(EventValidationError) -> String? {
        guard let text = text.map(withoutNUL) else { return nil }
        if text.unicodeScalars.count > Limits.shortTextLength {
            throw EventValidationError(field: field, message: "is longer than \(Limits.shortTextLength) characters")
        }
        return text
    }

    private static func validatedLabels(_ labels: [String: String]) throws(EventValidationError) -> [String: String] {
        if labels.count > Limits.labelCount {
            throw EventValidationError(field: "labels", message: "has more than \(Limits.labelCount) entries")
        }
        // In key order, so that of several bad labels the same one is named every time.
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
            let validKey = !key.isEmpty && key.unicodeScalars.count <= Limits.labelKeyLength
                && key.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_.-".unicodeScalars.contains($0)) }
            if !validKey {
                throw EventValidationError(
                    field: "labels", message: "key '\(key.prefix(80))' must be 1 to \(Limits.labelKeyLength) of A-Z a-z 0-9 _ . -")
            }
            if value.unicodeScalars.count > Limits.labelValueLength {
                throw EventValidationError(field: "labels.\(key)", message: "is longer than \(Limits.labelValueLength) characters")
            }
        }
        return labels.mapValues(withoutNUL)
    }
}
