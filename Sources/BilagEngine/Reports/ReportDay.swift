import BilagCore
import BilagOutbox
import Foundation

/// The day a report is of: a date in the municipality's own time zone (Europe/Copenhagen or Europe/Oslo), not the UTC
/// date — an invoice booked at 00:30 local time belongs to that local day, though UTC still says yesterday. Timestamps
/// are stored in UTC; the day is the stretch from its local midnight to the next.
public struct ReportDay: Sendable, Equatable {
    public let date: LocalDate
    public let timeZone: TimeZone
    /// The day's first moment and the next day's, as UTC timestamps (`Timestamp`): a stored timestamp `t` is of this
    /// day when `start <= t < end`.
    public let start: String
    public let end: String

    public init(_ date: LocalDate, timeZone: TimeZone) {
        self.date = date
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let midnight = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day)) ?? Date(timeIntervalSince1970: Double(date.dayNumber) * 86400)
        let next = calendar.date(byAdding: .day, value: 1, to: midnight) ?? midnight.addingTimeInterval(86400)
        start = Timestamp.string(midnight)
        end = Timestamp.string(next)
    }

    /// The municipality's time zone: that of the payments writer's `country` (whose date the payment files carry),
    /// else Denmark's (Norway keeps the same clock).
    public static func timeZone(_ config: BilagConfig) -> TimeZone {
        let payments = config.outboxWriters.first { $0.kind == PaymentSettings.kind }.flatMap { try? PaymentSettings($0) }
        return (payments?.calendar ?? BankCalendar(country: "DK")!).timeZone
    }

    /// The day `text` (`YYYY-MM-DD`) in the configuration's time zone, or nil when it is no date.
    public static func parse(_ text: String, config: BilagConfig) -> ReportDay? {
        guard text.count == 10, let d = LocalDate(parsing: text) else { return nil }
        return ReportDay(d, timeZone: timeZone(config))
    }

    /// Today in the configuration's time zone.
    public static func today(_ config: BilagConfig, now: Date = Date()) -> ReportDay {
        let zone = timeZone(config)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return ReportDay(LocalDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1) ?? LocalDate.today(now), timeZone: zone)
    }

    /// True when the stored timestamp (UTC, as `Timestamp` writes it) falls on this day.
    public func contains(_ timestamp: String) -> Bool {
        guard let t = Timestamp.date(timestamp), let s = Timestamp.date(start), let e = Timestamp.date(end) else { return false }
        return t >= s && t < e
    }

    /// The zone's name, for a report's heading.
    public var zoneName: String { timeZone.identifier }
}
