import Foundation

/// One local day of a time zone: which instants its wall-clock times stand for, across a
/// daylight-saving change when the day has one.
///
/// Assumes at most one change of UTC offset within a day and the 13-15 hours around it, as every
/// real time zone has.
struct ZonedDay {
    /// What a wall-clock time of the day stands for.
    enum Occurrence: Equatable {
        /// An ordinary time.
        case once(Date)
        /// A time that comes twice as clocks fall back, at the earlier and at the later instant.
        case twice(Date, Date)
        /// A time that clocks jump over; `resumesAt` is the first instant after the jump.
        case skipped(resumesAt: Date)
    }

    /// Local midnight, in seconds counted like Unix seconds but on the local clock.
    private let start: Int
    /// The UTC offset in force before the day's change, or all day when there is none.
    private let offsetBefore: Int
    /// The UTC offset in force after the day's change.
    private let offsetAfter: Int
    /// The Unix second at which `offsetAfter` takes over; `nil` when the offset does not change.
    private let change: Int?

    /// The day `day` in `timeZone`.
    init(_ day: CivilDay, in timeZone: TimeZone) {
        start = day.number * 86_400
        // Offsets range from -12 to +14 hours, so every instant of the day lies within this window.
        let windowStart = start - 15 * 3600
        let windowEnd = start + 86_400 + 13 * 3600
        let offset = { (second: Int) in timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(second))) }
        offsetBefore = offset(windowStart)
        offsetAfter = offset(windowEnd)
        guard offsetBefore != offsetAfter else {
            change = nil
            return
        }
        var before = windowStart
        var after = windowEnd
        while after - before > 1 {
            let middle = before + (after - before) / 2
            if offset(middle) == offsetBefore { before = middle } else { after = middle }
        }
        change = after
    }

    /// Whether the UTC offset changes on or near this day.
    var hasChange: Bool { change != nil }

    /// What the wall-clock time `minuteOfDay` minutes after local midnight stands for.
    func occurrence(ofMinute minuteOfDay: Int) -> Occurrence {
        let wall = start + minuteOfDay * 60
        let date = { (second: Int) in Date(timeIntervalSince1970: Double(second)) }
        guard let change else { return .once(date(wall - offsetBefore)) }
        let early = wall - offsetBefore
        let late = wall - offsetAfter
        switch (early < change, late >= change) {
        case (true, true): return .twice(date(min(early, late)), date(max(early, late)))
        case (true, false): return .once(date(early))
        case (false, true): return .once(date(late))
        case (false, false): return .skipped(resumesAt: date(change))
        }
    }
}
