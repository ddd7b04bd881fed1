/// Durations as settings and expectations write them: seconds, or a number with `s`, `m`, `h` or `d` (`30`, `30s`, `5m`, `7d`).
public enum DurationText {
    private static let units: [(Character, Double)] = [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)]

    /// The longest duration read: 100 years, so that every duration is also a whole number of seconds in an `Int`.
    public static let maxSeconds: Double = 100 * 365 * 86_400

    /// `text` in seconds, or `nil` when it is not a duration (negative, or longer than ``maxSeconds``).
    public static func seconds(_ text: String) -> Double? {
        let seconds: Double
        if let unit = text.last, let scale = units.first(where: { $0.0 == unit })?.1, let number = Double(text.dropLast()) {
            seconds = number * scale
        } else if let number = Double(text) {
            seconds = number
        } else {
            return nil
        }
        return (0...maxSeconds).contains(seconds) ? seconds : nil
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
        text(seconds: duration.inSeconds)
    }
}

extension Duration {
    /// The duration in seconds.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
