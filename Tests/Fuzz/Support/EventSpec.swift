import Foundation

/// The rules of docs/api.md ("Limits"), written again from the text and independently of `Identifiers`
/// and `EventPayload`, with the documented numbers spelled out, so the fuzzer compares code against docs.
///
/// Everything is counted and looked for in Unicode code points (scalars), as the docs say and as a
/// database, a glob or a terminal sees text, never in the grapheme clusters Swift's `Character` forms.
enum EventSpec {
    static let idLength = 200
    static let groupLength = 255
    static let groupSegmentLength = 64
    static let groupDepth = 16
    static let messageLength = 4096
    static let truncationMarker = "… [truncated]"
    static let shortTextLength = 255
    static let labelCount = 32
    static let labelKeyLength = 64
    static let labelValueLength = 256
    static let maxTTL = 31_536_000.0
    static let batchLength = 10_000
    static let metricCount = 32
    static let metricNameLength = 128

    /// The wire names of an event's fields; an error's `field` starts with one of them or is `body`.
    static let fieldNames: Set<String> = [
        "id", "group", "event", "at", "ttl", "message", "action", "exit_code", "host", "pid", "version", "labels", "metrics", "body",
    ]

    /// The verdict on a decoded payload: the fields that break a rule (empty: it must be accepted),
    /// or `nil` when its `at` is within ``TimeSpec/tolerance`` of a bound and either answer is right.
    static func brokenFields(of payload: EventPayload, now: Date) -> Set<String>? {
        var broken: Set<String> = []
        if !(payload.id.map { isName($0, maxLength: idLength) } ?? false) { broken.insert("id") }
        if !(payload.group.map(isGroup) ?? false) { broken.insert("group") }
        let kind = payload.event.flatMap(EventKind.init(rawValue:))
        if kind == nil { broken.insert("event") }
        switch atVerdict(payload.at, now: now) {
        case .accept: break
        case .reject: broken.insert("at")
        case .borderline: return nil
        }
        if let ttl = payload.ttl, !(0...maxTTL).contains(ttl) { broken.insert("ttl") }
        if let pid = payload.pid, pid < 0 { broken.insert("pid") }
        if kind == .error, payload.message == nil { broken.insert("message") }
        for (field, text) in [("action", payload.action), ("host", payload.host), ("version", payload.version)] {
            if let text, length(stored(text)) > shortTextLength { broken.insert(field) }
        }
        if let labels = payload.labels {
            if labels.count > labelCount { broken.insert("labels") }
            for (key, value) in labels {
                if !isLabelKey(key) { broken.insert("labels") }
                if length(stored(value)) > labelValueLength { broken.insert("labels.\(key)") }
            }
        }
        if let metrics = payload.metrics {
            if metrics.count > metricCount { broken.insert("metrics") }
            for (name, value) in metrics {
                if !isMetricName(name) { broken.insert("metrics") }
                if name.hasPrefix("__") || name.hasPrefix("wokmanager_") || !value.isFinite || (name.hasSuffix("_total") && value < 0) {
                    broken.insert("metrics.\(name)")
                }
            }
        }
        return broken
    }

    /// The verdict on an `at` as it came off the wire.
    static func atVerdict(_ at: EventPayload.TimeValue?, now: Date) -> TimeSpec.Verdict {
        switch at {
        case nil: .accept(now)
        case .text(let text): TimeSpec.verdict(text: text, now: now)
        case .seconds(let seconds): TimeSpec.verdict(seconds: seconds, now: now)
        }
    }

    /// A length as the docs count it: in code points.
    static func length(_ text: String) -> Int {
        text.unicodeScalars.count
    }

    /// An id, or a segment of a group: 1 to `maxLength` characters; no control characters or line breaks,
    /// no `* ? [ ]`, no leading or trailing white space.
    static func isName(_ text: String, maxLength: Int) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last, length(text) <= maxLength else {
            return false
        }
        if first.properties.isWhitespace || last.properties.isWhitespace { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            !"*?[]".unicodeScalars.contains(scalar) && !isControlOrLineBreak(scalar)
        }
    }

    /// A group: 1 to 16 dot-separated segments, each an ``isName(_:maxLength:)`` of at most 64, 255 in all;
    /// every dot a character of its own (not joined to a combining mark).
    static func isGroup(_ text: String) -> Bool {
        guard !text.isEmpty, length(text) <= groupLength else { return false }
        let dotCharacters = text.filter { $0 == "." }.count
        guard text.unicodeScalars.filter({ $0 == "." }).count == dotCharacters else { return false }
        let segments = text.unicodeScalars.split(separator: ".", omittingEmptySubsequences: false)
        return segments.count <= groupDepth
            && segments.allSatisfy { isName(String(String.UnicodeScalarView($0)), maxLength: groupSegmentLength) }
    }

    /// A label key: 1 to 64 of `A-Z a-z 0-9 _ . -`.
    static func isLabelKey(_ key: String) -> Bool {
        let allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-".unicodeScalars
        return (1...labelKeyLength).contains(key.unicodeScalars.count) && key.unicodeScalars.allSatisfy(allowed.contains)
    }

    /// A metric's name: 1 to 128 of `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    static func isMetricName(_ name: String) -> Bool {
        let letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_:".unicodeScalars
        let scalars = name.unicodeScalars
        guard let first = scalars.first, letters.contains(first), scalars.count <= metricNameLength else { return false }
        return scalars.allSatisfy { letters.contains($0) || ("0"..."9").contains($0) }
    }

    static func isControlOrLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }

    /// A text as the server keeps it: U+0000 replaced by U+FFFD.
    static func stored(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\0" ? "\u{FFFD}" : $0 }))
    }

    /// Whether `kept` is `sent` as the server must keep a message: whole when at most 4096 characters,
    /// otherwise a leading part of it followed by the marker, 4096 characters in all.
    static func isKeptMessage(_ kept: String, sent: String) -> Bool {
        let whole = stored(sent)
        if length(whole) <= messageLength { return kept.utf8.elementsEqual(whole.utf8) }
        guard length(kept) == messageLength, kept.unicodeScalars.reversed().starts(with: truncationMarker.unicodeScalars.reversed()) else {
            return false
        }
        let cut = kept.utf8.dropLast(truncationMarker.utf8.count)
        return whole.utf8.starts(with: cut)
    }
}
