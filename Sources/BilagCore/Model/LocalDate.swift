import Foundation

/// A calendar date with no time zone, as invoices carry them (`2026-11-23`, or CII format 102 `20261123`).
public struct LocalDate: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= LocalDate.daysIn(month: month, year: year) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    /// Parses `YYYY-MM-DD` (optionally followed by a zone, as xs:date allows) or `YYYYMMDD`.
    public init?(parsing raw: String) {
        let text = raw.trimmingWhitespace()
        let u = Array(text.utf8)
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { guard i < u.count, u[i] >= 48, u[i] <= 57 else { return nil }; v = v * 10 + Int(u[i] - 48) }
            return v
        }
        if u.count >= 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"), let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) {
            let rest = u[10...]
            guard rest.isEmpty || rest.first == UInt8(ascii: "Z") || rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-") else { return nil }
            self.init(year: y, month: m, day: d)
        } else if u.count == 8, let y = num(0..<4), let m = num(4..<6), let d = num(6..<8) {
            self.init(year: y, month: m, day: d)
        } else {
            return nil
        }
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (proleptic Gregorian), for day arithmetic.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The date `dayNumber` days after 1970-01-01.
    public init(dayNumber z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// Today in UTC.
    public static func today(_ now: Date = Date()) -> LocalDate {
        LocalDate(dayNumber: Int((now.timeIntervalSince1970 / 86400).rounded(.down)))
    }

    /// The date it is in `zone` at `now` (from local midnight to 01:00 or 02:00 in Copenhagen, UTC still says
    /// yesterday).
    public static func today(_ now: Date, in zone: TimeZone) -> LocalDate {
        today(now.addingTimeInterval(Double(zone.secondsFromGMT(for: now))))
    }

    /// The municipality's zone when nothing else names one: Denmark's, and Norway's is the same clock; standard time
    /// (UTC+1) on a machine without time-zone data.
    public static let municipalTimeZone = TimeZone(identifier: "Europe/Copenhagen") ?? TimeZone(secondsFromGMT: 3600)!

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }
    public func days(until other: LocalDate) -> Int { other.dayNumber - dayNumber }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    public var description: String {
        // Ten ASCII digits and dashes, written in place: a small string, no allocation (years are 1...9999).
        String(unsafeUninitializedCapacity: 10) { out in
            func put(_ v: Int, _ width: Int, at end: Int) {
                var v = v
                for i in stride(from: end - 1, through: end - width, by: -1) { out[i] = UInt8(ascii: "0") + UInt8(v % 10); v /= 10 }
            }
            put(year, 4, at: 4); out[4] = UInt8(ascii: "-"); put(month, 2, at: 7); out[7] = UInt8(ascii: "-"); put(day, 2, at: 10)
            return 10
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let d = LocalDate(parsing: s) else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a date YYYY-MM-DD, got \(s)") }
        self = d
    }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(description) }
}
