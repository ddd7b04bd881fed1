import Registry

/// A metric family as the text exposition format gave it.
public struct ParsedFamily: Sendable, Equatable {
    /// The family's name: a sample's name, or for a histogram or summary the name its `_bucket`, `_sum` and
    /// `_count` samples extend.
    public var name: String
    /// Its `# TYPE`, `untyped` without one.
    public var type: MetricType
    /// Its `# HELP`, unescaped, if it had one.
    public var help: String?
    /// Its samples, in the order given.
    public var samples: [ParsedSample]
    /// The line of its first `# HELP`, `# TYPE` or sample.
    public var line: Int

    /// `true` when a sample called `sampleName` belongs to this family.
    func owns(_ sampleName: String) -> Bool {
        if sampleName == name { return type != .histogram }
        guard sampleName.hasPrefix(name) else { return false }
        let suffix = sampleName.dropFirst(name.count)
        switch type {
        case .histogram: return suffix == "_bucket" || suffix == "_sum" || suffix == "_count"
        case .summary: return suffix == "_sum" || suffix == "_count"
        default: return false
        }
    }
}

/// One sample line.
public struct ParsedSample: Sendable, Equatable {
    /// The sample's name (`backup_duration_seconds_bucket`).
    public var name: String
    /// Its labels in the order given, values unescaped.
    public var labels: [Label]
    /// Its value; NaN and infinities are allowed, as in any exposition.
    public var value: Double
    /// Its line in the text, from 1.
    public var line: Int

    /// A label name and its unescaped value.
    public struct Label: Sendable, Equatable {
        public var name: String
        public var value: String
    }
}

/// Why a text could not be read: the line and what is wrong on it.
public struct TextFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The line, from 1.
    public var line: Int
    /// What is wrong.
    public var message: String

    public var description: String { "line \(line): \(message)" }
}
