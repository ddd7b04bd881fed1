/// Durations as settings and expectations write them: seconds, or a number with `s`, `m`, `h` or `d` (`30`, `30s`, `5m`, `7d`).
public enum DurationText {
    private static let units: [(Character, Double)] = [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)]

    /// `text` in seconds, or `nil` when it is not a duration (or is negative).
    public static func seconds(_ text: String) -> Double? {
        if let unit = text.last, let scale = units.first(where: { $0.0 == unit })?.1, let number = Double(text.dropLast()), number >= 0, number.isFinite {
            return number * scale
        }
        guard let number = Double(text), number >= 0, number.isFinite else { return nil }
        return number
    }

    /// `seconds` in the largest unit that divides it (`604800` is `7d`); `0` stays `0`.
    public static func text(seconds: Double) -> String {
        guard seconds > 0 else { return "0" }
        for (unit, scale) in units where seconds.truncatingRemainder(dividingBy: scale) == 0 {
            return "\(Int(seconds / scale))\(unit)"
        }
        return "\(seconds)s"
    }

    /// `duration` as ``text(seconds:)`` writes it.
    public static func text(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return text(seconds: Double(seconds) + Double(attoseconds) / 1e18)
    }
}
