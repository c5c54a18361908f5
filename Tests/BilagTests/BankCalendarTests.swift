import BilagCore
import BilagOutbox
import Foundation
import XCTest

/// The Danish and Norwegian banking-day calendars: Easter over the years, each country's bank holidays against the
/// closing days the central banks publish, and the requested execution date of a payment.
final class BankCalendarTests: XCTestCase {
    func d(_ s: String) -> LocalDate { LocalDate(parsing: s)! }

    func testEasterSundayOverTheYears() {
        let known = ["1961-04-02", "1981-04-19", "2000-04-23", "2008-03-23", "2011-04-24", "2019-04-21", "2024-03-31", "2025-04-20", "2026-04-05",
                     "2027-03-28", "2028-04-16", "2038-04-25", "2049-04-18", "2100-03-28"]
        for s in known { XCTAssertEqual(BankCalendar.easterSunday(d(s).year), d(s), s) }
    }

    /// Danmarks Nationalbank's closing days for 2026 and 2027, exactly (weekends aside).
    func testDanishBankHolidaysAreNationalbankensClosingDays() {
        let dk = BankCalendar(country: "DK")!
        let y2026 = ["2026-01-01", "2026-04-02", "2026-04-03", "2026-04-06", "2026-05-14", "2026-05-15", "2026-05-25", "2026-06-05", "2026-12-24", "2026-12-25", "2026-12-26", "2026-12-31"]
        let y2027 = ["2027-01-01", "2027-03-25", "2027-03-26", "2027-03-29", "2027-05-06", "2027-05-07", "2027-05-17", "2027-06-05", "2027-12-24", "2027-12-25", "2027-12-26", "2027-12-31"]
        XCTAssertEqual(Set(dk.holidays(2026).keys), Set(y2026.map(d)))
        XCTAssertEqual(Set(dk.holidays(2027).keys), Set(y2027.map(d)))
        // Great Prayer Day was a bank holiday until 2023, and is not from 2024.
        XCTAssertFalse(dk.isBankingDay(d("2023-05-05")))
        XCTAssertTrue(dk.isBankingDay(d("2024-04-26")))
    }

    func testNorwegianBankHolidays() {
        let no = BankCalendar(country: "NO")!
        let y2024 = ["2024-01-01", "2024-03-28", "2024-03-29", "2024-04-01", "2024-05-01", "2024-05-09", "2024-05-17", "2024-05-20", "2024-12-24", "2024-12-25", "2024-12-26", "2024-12-31"]
        XCTAssertEqual(Set(no.holidays(2024).keys), Set(y2024.map(d)))
        // 17 May and 1 May are Norwegian, not Danish, bank holidays; Constitution Day 5 June the other way round.
        XCTAssertFalse(no.isBankingDay(d("2027-05-17")))
        XCTAssertTrue(BankCalendar(country: "DK")!.isBankingDay(d("2027-05-18")))
        XCTAssertTrue(no.isBankingDay(d("2026-06-05")))
        XCTAssertNil(BankCalendar(country: "SE"))
    }

    func testEveryYearHasItsMovableHolidaysOnTheRightWeekday() {
        for year in 1990...2060 {
            for (cal, names) in [(BankCalendar(country: "DK")!, 12), (BankCalendar(country: "NO")!, 12)] {
                let h = cal.holidays(year)
                XCTAssertGreaterThanOrEqual(h.count, names - 1, "\(cal.country) \(year)")
                let easter = BankCalendar.easterSunday(year)
                XCTAssertEqual(BankCalendar.weekday(easter), 7, "Easter \(year) is a Sunday")
                XCTAssertEqual(BankCalendar.weekday(easter.adding(days: 39)), 4, "Ascension \(year) is a Thursday")
                XCTAssertNotNil(h[easter.adding(days: -2)], "Good Friday \(year)")
                XCTAssertNotNil(h[easter.adding(days: 50)], "Whit Monday \(year)")
            }
        }
    }

    func testTheRequestedExecutionDate() {
        let dk = BankCalendar(country: "DK")!, no = BankCalendar(country: "NO")!
        let today = d("2026-12-03")  // a Thursday
        XCTAssertEqual(dk.executionDate(due: d("2026-12-10"), today: today), d("2026-12-10"), "a banking day ahead: the due date")
        XCTAssertEqual(dk.executionDate(due: d("2026-11-01"), today: today), today, "passed: today, a banking day")
        XCTAssertEqual(dk.executionDate(due: nil, today: today), today)
        XCTAssertEqual(dk.executionDate(due: d("2026-12-05"), today: today), d("2026-12-07"), "a Saturday: the Monday")
        XCTAssertEqual(dk.executionDate(due: d("2026-12-24"), today: today), d("2026-12-28"), "Christmas: the Monday after")
        XCTAssertEqual(dk.executionDate(due: d("2026-12-31"), today: today), d("2027-01-04"), "New Year's Eve and Day, then the weekend")
        XCTAssertEqual(dk.executionDate(due: d("2026-05-14"), today: d("2026-05-01")), d("2026-05-18"), "Ascension and the bank closing day after it")
        XCTAssertEqual(no.executionDate(due: d("2027-05-17"), today: d("2027-05-01")), d("2027-05-18"), "17 May")
        XCTAssertEqual(dk.executionDate(due: d("2026-11-01"), today: d("2026-12-26")), d("2026-12-28"), "passed on a holiday: the next banking day")
    }

    /// "Today" for payments is the calendar country's date, not UTC's: around midnight, winter (UTC+1) and summer
    /// (UTC+2), in Denmark and Norway.
    func testTodayIsTheCountrysLocalDateAroundMidnight() throws {
        let dk = try XCTUnwrap(BankCalendar(country: "DK")), no = try XCTUnwrap(BankCalendar(country: "NO"))
        func at(_ s: String) throws -> Date { try XCTUnwrap(Timestamp.date(s)) }
        XCTAssertEqual(dk.today(try at("2026-12-31T22:59:59Z")).description, "2026-12-31")
        XCTAssertEqual(dk.today(try at("2026-12-31T23:00:00Z")).description, "2027-01-01", "00:00 in Copenhagen in winter")
        XCTAssertEqual(no.today(try at("2026-12-31T23:30:00Z")).description, "2027-01-01")
        XCTAssertEqual(dk.today(try at("2026-06-30T21:59:59Z")).description, "2026-06-30")
        XCTAssertEqual(dk.today(try at("2026-06-30T22:00:00Z")).description, "2026-07-01", "00:00 in Copenhagen in summer")
        XCTAssertEqual(no.today(try at("2026-06-30T22:30:00Z")).description, "2026-07-01")
        XCTAssertEqual(no.today(try at("2026-06-30T12:00:00Z")).description, "2026-06-30")
    }
}
