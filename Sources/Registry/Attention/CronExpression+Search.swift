import Foundation

extension CronExpression {
    /// How many days a search looks ahead or back before it gives up: about five years.
    private static let searchDays = 5 * 366

    /// The first fire time strictly after `date`, in `timeZone`; `nil` when none comes within about five years.
    public func next(after date: Date, in timeZone: TimeZone) -> Date? {
        guard let today = Self.localDay(of: date, in: timeZone) else { return nil }
        // The day before too: a fall-back hour around midnight puts some of its times after `date`.
        var day = CivilDay(today.number - 1)
        while day.number <= today.number + Self.searchDays {
            guard matchesMonth(of: day) else {
                day = day.startOfNextMonth
                continue
            }
            if let found = fireTimes(on: day, in: timeZone).first(where: { $0 > date }) {
                // Around such an hour the next day's first time can also come before `found`.
                let following = fireTimes(on: CivilDay(day.number + 1), in: timeZone).first { $0 > date }
                return min(found, following ?? found)
            }
            day = CivilDay(day.number + 1)
        }
        return nil
    }

    /// The latest fire time at or before `date`, in `timeZone`; `nil` when none came within about five years.
    public func previous(atOrBefore date: Date, in timeZone: TimeZone) -> Date? {
        guard let today = Self.localDay(of: date, in: timeZone) else { return nil }
        var day = CivilDay(today.number + 1)
        while day.number >= today.number - Self.searchDays {
            guard matchesMonth(of: day) else {
                day = day.endOfPreviousMonth
                continue
            }
            if let found = fireTimes(on: day, in: timeZone).last(where: { $0 <= date }) {
                let preceding = fireTimes(on: CivilDay(day.number - 1), in: timeZone).last { $0 <= date }
                return max(found, preceding ?? found)
            }
            day = CivilDay(day.number - 1)
        }
        return nil
    }

    /// The instants at which the expression fires on the local day `day`, ascending, following the
    /// daylight-saving rules of ``CronExpression``.
    private func fireTimes(on day: CivilDay, in timeZone: TimeZone) -> [Date] {
        guard matches(day) else { return [] }
        let zoned = ZonedDay(day, in: timeZone)
        var times: [Date] = []
        times.reserveCapacity(minutesOfDay.count)
        for minute in minutesOfDay {
            switch zoned.occurrence(ofMinute: minute) {
            case .once(let time):
                times.append(time)
            case .twice(let first, let second):
                times.append(first)
                if isWildcard { times.append(second) }
            case .skipped(let resumesAt):
                if !isWildcard { times.append(resumesAt) }
            }
        }
        guard zoned.hasChange else { return times }
        // Repeated times interleave, and skipped ones land on the same instant as each other.
        var unique: [Date] = []
        for time in times.sorted() where time != unique.last {
            unique.append(time)
        }
        return unique
    }

    /// The local day `date` falls on in `timeZone`; `nil` for a date thousands of years away.
    private static func localDay(of date: Date, in timeZone: TimeZone) -> CivilDay? {
        let seconds = date.timeIntervalSince1970
        guard abs(seconds) < 1e12 else { return nil }
        let local = Int(seconds.rounded(.down)) + timeZone.secondsFromGMT(for: date)
        return CivilDay(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
    }
}
