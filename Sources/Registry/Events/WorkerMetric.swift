import Foundation

/// The numbers a worker reports with its events (`metrics`), named as Prometheus names its series.
///
/// A name ending in `_total` is a counter: it only grows while the worker runs, and a smaller value is a
/// restart from zero. Any other name is a gauge: a value now, which leaves the group's sums when the
/// worker stops, fails or is lost.
public enum WorkerMetric {
    /// The prefix of the server's own series, which a worker may not use.
    public static let reservedPrefix = "wokmanager_"

    /// The server's prefix `name` starts with (``reservedPrefix`` or `__`), or `nil` when it may be used.
    public static func reservedPrefix(of name: String) -> String? {
        name.hasPrefix("__") ? "__" : name.hasPrefix(reservedPrefix) ? reservedPrefix : nil
    }

    /// `true` for a counter's name.
    public static func isCounter(_ name: String) -> Bool {
        name.hasSuffix("_total")
    }

    /// `value` as text: a whole number without a fraction (`1200`), any other as Swift writes it (`3.5`,
    /// `1e+20`), which Prometheus' parser also reads.
    public static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// Checks an event's `metrics`: at most ``Limits/metricCount``, Prometheus names of at most
    /// ``Limits/metricNameLength`` not starting with ``reservedPrefix`` or `__`, finite values, counters not negative.
    static func validated(_ metrics: [String: Double]) throws(EventValidationError) -> [String: Double] {
        if metrics.count > Limits.metricCount {
            throw EventValidationError(field: "metrics", message: "has more than \(Limits.metricCount) entries")
        }
        // In name order, so that of several bad ones the same one is named every time.
        for (name, value) in metrics.sorted(by: { $0.key < $1.key }) {
            guard isPrometheusName(name), name.utf8.count <= Limits.metricNameLength else {
                throw EventValidationError(
                    field: "metrics", message: "name '\(EscapedText.escaped(String(name.prefix(80))))' must be 1 to \(Limits.metricNameLength) of "
                        + "A-Z a-z 0-9 _ :, not starting with a digit")
            }
            if let prefix = reservedPrefix(of: name) {
                throw EventValidationError(field: "metrics.\(name)", message: "starts with '\(prefix)', kept for the server's own series")
            }
            guard value.isFinite else { throw EventValidationError(field: "metrics.\(name)", message: "must be a finite number") }
            if isCounter(name), value < 0 {
                throw EventValidationError(field: "metrics.\(name)", message: "is a counter (its name ends in _total) and must not be negative")
            }
        }
        return metrics
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`, Prometheus' metric name.
    private static func isPrometheusName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
        }
    }
}
