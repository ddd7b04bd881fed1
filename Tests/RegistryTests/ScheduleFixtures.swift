import Foundation
import Testing

/// The instant an RFC 3339 UTC timestamp such as `2026-03-29T01:00:00Z` names, read by Foundation.
func utc(_ text: String) throws -> Date {
    try Date(text, strategy: .iso8601)
}

/// The time zone called `identifier` in the system's database.
func zone(_ identifier: String) throws -> TimeZone {
    try #require(TimeZone(identifier: identifier))
}
