/// What one push through the Pushgateway API does to a worker's pushed series (Pushgateway's semantics).
///
/// The series are kept per grouping key: a `PUT` replaces all of its families, a `POST` only those of the
/// names it pushes, a `DELETE` removes them all. A push that begins a new run of the worker (its first, or one
/// after it stopped, failed or was lost) starts from no series at all, so a `POST` never brings back the last
/// run's numbers.
public struct MetricPush: Sendable, Equatable {
    /// How the push changes the series already kept under its grouping key.
    public enum Method: String, Sendable, Equatable {
        /// `PUT`: the pushed families replace all of the grouping key's.
        case replace
        /// `POST`: the pushed families replace those of the same name.
        case merge
        /// `DELETE`: the grouping key's families go.
        case delete
    }

    /// How the push changes what is kept.
    public var method: Method
    /// The grouping key as exposition label text (`job="backup",instance="db1"`), the part of a series' labels it adds.
    public var grouping: String
    /// The families pushed (none for a `DELETE`).
    public var families: [PushedFamily]

    /// Creates a push.
    public init(method: Method, grouping: String, families: [PushedFamily]) {
        self.method = method
        self.grouping = grouping
        self.families = families
    }
}

/// One metric family of a push, ready to be kept and exposed as it is.
public struct PushedFamily: Sendable, Equatable {
    /// The family's name (`backup_duration_seconds`).
    public var name: String
    /// Its type, which may not differ from the same name's type in other workers' pushes.
    public var type: MetricType
    /// Its help text, unescaped; empty when the push had none.
    public var help: String
    /// Its sample lines in the exposition format (`name{labels} value`), braces always written, without the
    /// labels the exposition adds (`group`, `worker` and the grouping key).
    public var samples: String
    /// How many sample lines `samples` holds.
    public var series: Int

    /// Creates a family.
    public init(name: String, type: MetricType, help: String, samples: String, series: Int) {
        self.name = name
        self.type = type
        self.help = help
        self.samples = samples
        self.series = series
    }
}

/// The metric types of the text exposition format 0.0.4.
public enum MetricType: String, Sendable, Equatable, CaseIterable {
    case counter, gauge, histogram, summary, untyped
}
