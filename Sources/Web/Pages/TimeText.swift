import Foundation
import Registry

/// Times as people read them on the pages: "12s ago", "3h 5m", with the exact time kept for tooltips.
enum TimeText {
    /// How long ago `date` was, seen from `now` ("just now", "45s ago", "3m ago", "2h ago", "4d ago").
    static func ago(_ date: Date, now: Date) -> String {
        let seconds = now.timeIntervalSince(date)
        if seconds < 1 { return seconds > -1 ? "just now" : "in " + span(-seconds) }
        return span(seconds) + " ago"
    }

    /// A duration in its two largest units ("45s", "3m 20s", "2h 5m", "4d 3h").
    static func span(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.down))
        let (days, hours, minutes, secs) = (total / 86_400, total / 3600 % 24, total / 60 % 60, total % 60)
        if days > 0 { return hours > 0 ? "\(days)d \(hours)h" : "\(days)d" }
        if hours > 0 { return minutes > 0 ? "\(hours)h \(minutes)m" : "\(hours)h" }
        if minutes > 0 { return secs > 0 ? "\(minutes)m \(secs)s" : "\(minutes)m" }
        return "\(secs)s"
    }
}

/// A time for a template: relative text plus the exact RFC 3339 form for `<time datetime title>`.
struct PageTime {
    let exact: String
    let relative: String

    init(_ date: Date, now: Date) {
        exact = RFC3339.format(date)
        relative = TimeText.ago(date, now: now)
    }
}
