/// The documented bounds on what a worker may send (docs/api.md lists them). Lengths are in Unicode code
/// points (what JSON Schema's `maxLength` counts), never in grapheme clusters, which have no size bound.
public enum Limits {
    /// Longest worker id, in characters.
    public static let idLength = 200
    /// Longest group path, in characters.
    public static let groupLength = 255
    /// Longest group segment, in characters.
    public static let groupSegmentLength = 64
    /// Most segments in a group path.
    public static let groupDepth = 16
    /// Longest message kept; longer ones are cut and end with ``truncationMarker``.
    public static let messageLength = 4096
    /// What ends a message that was cut.
    public static let truncationMarker = "… [truncated]"
    /// Longest `action`, `host` or `version`.
    public static let shortTextLength = 255
    /// Most labels on one worker.
    public static let labelCount = 32
    /// Longest label key.
    public static let labelKeyLength = 64
    /// Longest label value.
    public static let labelValueLength = 256
    /// Most numbers in one event's `metrics`, and kept for one worker.
    public static let metricCount = 32
    /// Most series kept for one worker's pushes through the Pushgateway API, over all its grouping keys.
    public static let pushedSeries = 1_000
    /// Longest metric name.
    public static let metricNameLength = 128
    /// Largest TTL, in seconds (one year).
    public static let maxTTL = 31_536_000.0
    /// How far ahead of the server's clock an `at` may be, in seconds.
    public static let maxClockSkew = 86_400.0
    /// Most events in one batch request.
    public static let batchLength = 10_000
}
