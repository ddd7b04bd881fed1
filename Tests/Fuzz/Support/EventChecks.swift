import Foundation

/// The invariants on what the decoder returns, checked against ``EventSpec``.
enum EventChecks {
    /// An accepted event keeps every documented limit, whatever it was decoded from.
    static func checkLimits(_ event: WorkerEvent, now: Date) {
        require(EventSpec.isName(event.id, maxLength: EventSpec.idLength), "accepted id breaks the id rule: \(shown(event.id))")
        require(EventSpec.isGroup(event.group), "accepted group breaks the group rule: \(shown(event.group))")
        require(event.receivedAt == now, "received_at is not the server's clock")
        require(event.at.timeIntervalSince(TimeSpec.earliest) > -TimeSpec.tolerance, "accepted at before 2000: \(event.at)")
        require(event.at.timeIntervalSince(now) < TimeSpec.maxSkew + TimeSpec.tolerance, "accepted at too far ahead: \(event.at)")
        if let ttl = event.ttl { require((0...EventSpec.maxTTL).contains(ttl), "accepted ttl out of range: \(ttl)") }
        if let pid = event.pid { require(pid >= 0, "accepted a negative pid: \(pid)") }
        if event.kind == .error { require(event.message != nil, "accepted an error event without a message") }
        if let message = event.message {
            require(EventSpec.length(message) <= EventSpec.messageLength, "kept a message of \(EventSpec.length(message)) characters")
            requireNoNUL(message, "message")
        }
        for (field, text) in [("action", event.action), ("host", event.host), ("version", event.version)] {
            guard let text else { continue }
            require(EventSpec.length(text) <= EventSpec.shortTextLength, "kept a \(field) of \(EventSpec.length(text)) characters")
            requireNoNUL(text, field)
        }
        if let labels = event.labels {
            require(labels.count <= EventSpec.labelCount, "kept \(labels.count) labels")
            for (key, value) in labels {
                require(EventSpec.isLabelKey(key), "kept a bad label key: \(shown(key))")
                require(EventSpec.length(value) <= EventSpec.labelValueLength, "kept a label value of \(EventSpec.length(value)) characters")
                requireNoNUL(value, "labels.\(key)")
            }
        }
        if let metrics = event.metrics {
            require(metrics.count <= EventSpec.metricCount, "kept \(metrics.count) metrics")
            for (name, value) in metrics {
                require(EventSpec.isMetricName(name), "kept a bad metric name: \(shown(name))")
                require(!name.hasPrefix("__") && !name.hasPrefix("wokmanager_"), "kept a reserved metric name: \(shown(name))")
                require(value.isFinite && !(name.hasSuffix("_total") && value < 0), "kept \(value) for \(shown(name))")
            }
        }
    }

    /// An accepted event is the payload it came from, kept as docs/api.md says.
    static func checkKept(_ event: WorkerEvent, payload: EventPayload, now: Date) {
        require(payload.id.map { $0.utf8.elementsEqual(event.id.utf8) } == true, "id changed: \(shown(payload.id)) -> \(shown(event.id))")
        require(payload.group.map { $0.utf8.elementsEqual(event.group.utf8) } == true, "group changed")
        require(event.kind.rawValue == payload.event, "event changed: \(shown(payload.event)) -> \(event.kind)")
        if case .accept(let expected) = EventSpec.atVerdict(payload.at, now: now) {
            require(abs(event.at.timeIntervalSince(expected)) <= TimeSpec.tolerance, "at \(shown(payload.at)) read as \(event.at), not \(expected)")
        }
        require(event.ttl == payload.ttl && event.exitCode == payload.exitCode && event.pid == payload.pid, "a number changed")
        switch (payload.message, event.message) {
        case (nil, nil): break
        case (let sent?, let kept?): require(EventSpec.isKeptMessage(kept, sent: sent), "message not kept as documented: \(shown(kept))")
        default: require(false, "message appeared or vanished")
        }
        for (field, sent, kept) in [("action", payload.action, event.action), ("host", payload.host, event.host), ("version", payload.version, event.version)] {
            require(sent.map(EventSpec.stored)?.utf8.elementsEqual((kept ?? "").utf8) ?? (kept == nil), "\(field) changed: \(shown(kept))")
        }
        let expectedLabels = payload.labels?.mapValues(EventSpec.stored)
        require(expectedLabels?.count == event.labels?.count, "labels changed")
        for (key, value) in expectedLabels ?? [:] {
            require(event.labels?[key].map { $0.utf8.elementsEqual(value.utf8) } == true, "label \(shown(key)) changed")
        }
        require(event.metrics == payload.metrics, "metrics changed")
    }

    /// What ``EventPayloadReader`` read is what `JSONDecoder` reads from the same bytes, code point for code point
    /// and bit for bit (`==` on strings would forgive a different but canonically equivalent text).
    static func checkSameRead(_ read: [EventPayload], as decoded: [EventPayload]?) {
        require(decoded?.map(exact) == read.map(exact), "EventPayloadReader read \(read.map(exact)), JSONDecoder \(decoded.map { $0.map(exact) } ?? [])")
    }

    private static func exact(_ payload: EventPayload) -> [String] {
        let scalars = { (text: String?) in text.map { $0.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ") } ?? "-" }
        let bits = { (number: Double?) in number.map { String($0.bitPattern, radix: 16) } ?? "-" }
        let at: String = switch payload.at {
        case nil: "-"
        case .text(let text): "text " + scalars(text)
        case .seconds(let seconds): "seconds " + bits(seconds)
        }
        return [payload.id, payload.group, payload.event, payload.message, payload.action, payload.host, payload.version].map(scalars)
            + [at, bits(payload.ttl), "\(payload.pid ?? -1) \(payload.pid == nil)", "\(payload.exitCode ?? -1) \(payload.exitCode == nil)"]
            + [payload.labels.map { $0.map { scalars($0.key) + "=" + scalars($0.value) }.sorted().joined(separator: ", ") } ?? "-"]
            + [payload.metrics.map { $0.map { scalars($0.key) + "=" + bits($0.value) }.sorted().joined(separator: ", ") } ?? "-"]
    }

    /// A refusal names a field an event has (or `body`) and says what was wrong.
    static func checkError(_ error: EventValidationError) {
        let root = String(String.UnicodeScalarView(error.field.unicodeScalars.prefix { $0 != "." }))
        require(EventSpec.fieldNames.contains(root), "error names no field of an event: \(shown(error.field))")
        require(!error.message.isEmpty, "error for \(error.field) has no message")
        require(error.description == "\(error.field): \(error.message)", "error description is not 'field: message'")
    }

    private static func requireNoNUL(_ text: String, _ field: String) {
        require(!text.unicodeScalars.contains("\0"), "kept U+0000 in \(field)")
    }
}
