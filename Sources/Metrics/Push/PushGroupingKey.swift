import Foundation
import Registry

/// The grouping key of a Pushgateway URL, `/metrics/job/{job}{/label/value}*`: which worker a push is from.
///
/// The job is the worker's group and the `instance` label (or, without one, the job) its id. A label name
/// ending in `@base64` takes its value in base64url (RFC 4648 §5, padding optional, `=` alone for an empty
/// value), the only way to give a value with a `/` in it.
public struct PushGroupingKey: Sendable, Equatable {
    /// The labels of the key in URL order, `job` first, values decoded.
    public let labels: [(name: String, value: String)]

    /// The pushing worker's group: the job.
    public var group: String { labels[0].value }
    /// The pushing worker's id: the instance, or the job without one.
    public var workerID: String { labels.first { $0.name == "instance" }?.value ?? group }

    /// Label names the exposition adds to every pushed series itself.
    static let reservedLabels: Set<String> = ["group", "worker"]

    /// Why a pushed label may not be called `name` (one the exposition adds, or `__*`), or `nil` when it may.
    static func reservedLabelRefusal(_ name: String) -> String? {
        guard reservedLabels.contains(name) || name.hasPrefix("__") else { return nil }
        return "the label name '\(name)' is kept for the server (it adds group and worker to every pushed series)"
    }

    /// Reads the path segments after `/metrics/`, already percent-decoded (`["job", "backup", "instance", "db1"]`).
    public init(segments: [String]) throws(EventValidationError) {
        guard segments.count >= 2, segments.count.isMultiple(of: 2) else {
            throw EventValidationError(field: "path", message: "must be /metrics/job/{job} followed by /{label}/{value} pairs")
        }
        var labels: [(name: String, value: String)] = []
        for pair in stride(from: 0, to: segments.count, by: 2) {
            var name = segments[pair], value = segments[pair + 1]
            if name.hasSuffix("@base64") {
                name.removeLast("@base64".count)
                guard let decoded = Self.base64URL(value) else {
                    throw EventValidationError(field: name, message: "is not base64url text ('=' alone for an empty value)")
                }
                value = decoded
            }
            try Self.checkLabelName(name, field: name)
            guard !labels.contains(where: { $0.name == name }) else {
                throw EventValidationError(field: name, message: "appears twice in the grouping key")
            }
            labels.append((name, value))
        }
        guard labels[0].name == "job" else { throw EventValidationError(field: "path", message: "must start with /metrics/job/{job}") }
        try Identifiers.validateGroup(labels[0].value, field: "job")
        if let instance = labels.first(where: { $0.name == "instance" }) { try Identifiers.validateID(instance.value, field: "instance") }
        self.labels = labels
    }

    /// `true` when the key holds a label called `name`.
    public func contains(_ name: String) -> Bool {
        labels.contains { $0.name == name }
    }

    /// The key as exposition label text, in URL order: `job="backup",instance="db1"`.
    public var exposition: String {
        labels.map { "\($0.name)=\"\(PrometheusExposition.escapeLabelValue($0.value))\"" }.joined(separator: ",")
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.labels.elementsEqual(rhs.labels) { $0 == $1 }
    }

    /// A label name of the format that is not one of ours.
    static func checkLabelName(_ name: String, field: String) throws(EventValidationError) {
        var scanner = LineScanner(bytes: ArraySlice(name.utf8), number: 0)
        guard !scanner.name(allowingColon: false).isEmpty, scanner.atEnd else {
            throw EventValidationError(field: field, message: "'\(EscapedText.escaped(String(name.prefix(80))))' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)")
        }
        if let refusal = reservedLabelRefusal(name) {
            throw EventValidationError(field: field, message: refusal)
        }
    }

    private static func base64URL(_ text: String) -> String? {
        if text == "=" { return "" }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.hasSuffix("=") { standard.removeLast() }
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        guard let data = Data(base64Encoded: standard) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
