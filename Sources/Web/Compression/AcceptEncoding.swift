/// What a request's `Accept-Encoding` allows, with q-values honoured (RFC 9110 §12.5.3).
struct AcceptEncoding: Equatable {
    /// `true` when gzip may be sent: `gzip` (or `x-gzip`) with q > 0, or `*` with q > 0 and gzip not refused.
    let allowsGzip: Bool

    init(_ header: String?) {
        guard let header else {
            allowsGzip = false
            return
        }
        var gzipQuality: Double?
        var wildcardQuality: Double?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let coding = parts.first?.lowercased(), !coding.isEmpty else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            switch coding {
            case "gzip", "x-gzip": gzipQuality = max(gzipQuality ?? 0, quality)
            case "*": wildcardQuality = quality
            default: break
            }
        }
        allowsGzip = (gzipQuality ?? wildcardQuality ?? 0) > 0
    }
}
