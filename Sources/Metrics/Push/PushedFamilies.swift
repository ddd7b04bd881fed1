import Registry

/// Turns the families of a push into what is kept: the grouping key's labels taken out of each sample (the
/// URL's values win, as in Pushgateway) and the server's names and labels refused.
public enum PushedFamilies {
    /// The families of `parsed`, pushed under `key`; throws naming the line of a reserved name or label.
    public static func make(_ parsed: [ParsedFamily], key: PushGroupingKey) throws(TextFormatError) -> [PushedFamily] {
        try parsed.map { family throws(TextFormatError) in
            if let prefix = WorkerMetric.reservedPrefix(of: family.name) {
                throw TextFormatError(line: family.line, message: "the metric name '\(family.name)' starts with '\(prefix)', kept for the server's own series")
            }
            var samples = ""
            for sample in family.samples {
                try appendLine(of: sample, key: key, to: &samples)
            }
            return PushedFamily(name: family.name, type: family.type, help: family.help ?? "", samples: samples, series: family.samples.count)
        }
    }

    /// `name{labels} value`, the labels without those of the key, plus `instance=""` when neither names an instance
    /// (so that Prometheus, honouring labels, does not put its own there; Pushgateway does the same).
    private static func appendLine(of sample: ParsedSample, key: PushGroupingKey, to text: inout String) throws(TextFormatError) {
        var labels = ""
        for label in sample.labels where !key.contains(label.name) {
            if let refusal = PushGroupingKey.reservedLabelRefusal(label.name) {
                throw TextFormatError(line: sample.line, message: refusal)
            }
            if !labels.isEmpty { labels += "," }
            labels += "\(label.name)=\"\(PrometheusExposition.escapeLabelValue(label.value))\""
        }
        if !key.contains("instance"), !sample.labels.contains(where: { $0.name == "instance" }) {
            labels += labels.isEmpty ? "instance=\"\"" : ",instance=\"\""
        }
        text += "\(sample.name){\(labels)} \(valueText(sample.value))\n"
    }

    /// A sample's value as the format writes it.
    static func valueText(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return WorkerMetric.text(value)
    }
}
