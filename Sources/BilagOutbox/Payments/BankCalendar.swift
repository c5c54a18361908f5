import BilagCore
import Foundation

/// The banking days of Denmark and Norway: weekdays that are not bank holidays. The holidays are a table of rules,
/// fixed dates and days counted from Easter Sunday (computed for each year), as Danmarks Nationalbank and Norges Bank
/// publish their closing days.
public struct BankCalendar: Sendable, Equatable {
    public let country: String

    /// One bank holiday: a fixed day of the year, or a number of days from Easter Sunday, in force for some years.
    struct Holiday: Sendable {
        var name: String
        var month = 0, day = 0
        var fromEaster: Int?
        var years: ClosedRange<Int> = 1900...9999
    }

    /// Danmarks Nationalbank's closing days: the public holidays, the Friday after Ascension Day, Constitution Day,
    /// Christmas Eve and New Year's Eve. Great Prayer Day (Easter + 26) was a holiday until 2023.
    static let denmark: [Holiday] = [
        Holiday(name: "Nytårsdag", month: 1, day: 1),
        Holiday(name: "Skærtorsdag", fromEaster: -3),
        Holiday(name: "Langfredag", fromEaster: -2),
        Holiday(name: "2. påskedag", fromEaster: 1),
        Holiday(name: "Store bededag", fromEaster: 26, years: 1900...2023),
        Holiday(name: "Kristi himmelfartsdag", fromEaster: 39),
        Holiday(name: "Banklukkedag (fredag efter Kristi himmelfart)", fromEaster: 40),
        Holiday(name: "2. pinsedag", fromEaster: 50),
        Holiday(name: "Grundlovsdag", month: 6, day: 5),
        Holiday(name: "Juleaftensdag", month: 12, day: 24),
        Holiday(name: "Juledag", month: 12, day: 25),
        Holiday(name: "2. juledag", month: 12, day: 26),
        Holiday(name: "Nytårsaftensdag", month: 12, day: 31),
    ]

    /// Norges Bank's settlement closing days: the public holidays, and Christmas Eve and New Year's Eve, when
    /// Norwegian banks are closed.
    static let norway: [Holiday] = [
        Holiday(name: "Første nyttårsdag", month: 1, day: 1),
        Holiday(name: "Skjærtorsdag", fromEaster: -3),
        Holiday(name: "Langfredag", fromEaster: -2),
        Holiday(name: "Andre påskedag", fromEaster: 1),
        Holiday(name: "Første mai", month: 5, day: 1),
        Holiday(name: "Grunnlovsdag", month: 5, day: 17),
        Holiday(name: "Kristi himmelfartsdag", fromEaster: 39),
        Holiday(name: "Andre pinsedag", fromEaster: 50),
        Holiday(name: "Julaften", month: 12, day: 24),
        Holiday(name: "Første juledag", month: 12, day: 25),
        Holiday(name: "Andre juledag", month: 12, day: 26),
        Holiday(name: "Nyttårsaften", month: 12, day: 31),
    ]

    /// The calendar of `country` (`DK` or `NO`); nil for any other.
    public init?(country: String) {
        guard ["DK", "NO"].contains(country.uppercased()) else { return nil }
        self.country = country.uppercased()
    }

    var rules: [Holiday] { country == "NO" ? Self.norway : Self.denmark }

    /// The country's time zone (Europe/Copenhagen, Europe/Oslo), whose date is a payment's "today"; standard time
    /// (UTC+1) on a machine without time-zone data.
    public var timeZone: TimeZone {
        TimeZone(identifier: country == "NO" ? "Europe/Oslo" : "Europe/Copenhagen") ?? TimeZone(secondsFromGMT: 3600)!
    }

    /// The date it is in the country at `now` (not the UTC date: from midnight to 01:00 or 02:00 local time, UTC still
    /// says yesterday).
    public func today(_ now: Date) -> LocalDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let d = calendar.dateComponents([.year, .month, .day], from: now)
        return LocalDate(year: d.year ?? 1970, month: d.month ?? 1, day: d.day ?? 1) ?? LocalDate.today(now)
    }

    /// Easter Sunday of `year` (Gregorian; the anonymous algorithm of Meeus/Jones/Butcher).
    public static func easterSunday(_ year: Int) -> LocalDate {
        let a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4
        let f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDate(year: year, month: month, day: day)!
    }

    /// The bank holidays of `year`, by date, with their names.
    public func holidays(_ year: Int) -> [LocalDate: String] {
        let easter = Self.easterSunday(year)
        var out: [LocalDate: String] = [:]
        for h in rules where h.years.contains(year) {
            if let offset = h.fromEaster { out[easter.adding(days: offset)] = h.name } else if let d = LocalDate(year: year, month: h.month, day: h.day) { out[d] = h.name }
        }
        return out
    }

    /// Monday = 1 … Sunday = 7 (1970-01-01 was a Thursday).
    public static func weekday(_ d: LocalDate) -> Int {
        let n = (d.dayNumber % 7 + 7) % 7   // 0 = Thursday
        return (n + 3) % 7 + 1
    }

    /// True for a weekday that is not a bank holiday.
    public func isBankingDay(_ d: LocalDate) -> Bool {
        Self.weekday(d) <= 5 && holidays(d.year)[d] == nil
    }

    /// `d` itself when it is a banking day, else the next banking day after it.
    public func onOrAfter(_ d: LocalDate) -> LocalDate {
        var day = d
        while !isBankingDay(day) { day = day.adding(days: 1) }
        return day
    }

    /// The requested execution date of a payment due on `due` (none: at once), decided on `today`: the due date, or
    /// the next banking day when it has passed or is not a banking day.
    public func executionDate(due: LocalDate?, today: LocalDate) -> LocalDate {
        onOrAfter(max(due ?? today, today))
    }
}
