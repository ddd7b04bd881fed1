/// A day of the proleptic Gregorian calendar, counted from 1970-01-01, with its date and weekday.
///
/// Cron fields are matched against local dates; this counts them with plain arithmetic
/// (Howard Hinnant's civil-date algorithms), the same days `Calendar(identifier: .gregorian)` counts.
struct CivilDay: Equatable {
    /// Days since 1970-01-01.
    let number: Int
    let year: Int
    /// 1-12.
    let month: Int
    /// 1-31.
    let day: Int

    /// The day `number` days after 1970-01-01 (before it when negative).
    init(_ number: Int) {
        self.number = number
        let z = number + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// The day `year-month-day`.
    init(year: Int, month: Int, day: Int) {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        self.init(era * 146_097 + dayOfEra - 719_468)
    }

    /// 0 for Sunday through 6 for Saturday.
    var weekday: Int {
        let remainder = (number + 4) % 7  // 1970-01-01 was a Thursday.
        return remainder < 0 ? remainder + 7 : remainder
    }

    /// The first day of the next month.
    var startOfNextMonth: CivilDay {
        month == 12 ? CivilDay(year: year + 1, month: 1, day: 1) : CivilDay(year: year, month: month + 1, day: 1)
    }

    /// The last day of the previous month.
    var endOfPreviousMonth: CivilDay {
        CivilDay(CivilDay(year: year, month: month, day: 1).number - 1)
    }
}
