import BilagCore
import BilagEngine
import BilagOutbox
@testable import BilagStore
import BilagTestKit
import Foundation
import GRDB
import XCTest

/// `bilag report day` counts a day from the municipality's local midnight to the next (Europe/Copenhagen here), not
/// the UTC day: an invoice booked at 00:30 local time, and the files written then, are in that local day.
final class ReportDayTests: XCTestCase {
    typealias F = PaymentFixtures

    func testAnInvoiceBookedAtHalfPastMidnightLocalTimeIsInThatLocalDay() throws {
        let root = try TemporaryRoot()
        try root.writeConfig(F.config())
        let pipeline = try root.bookingPipeline()
        let r = try root.run(pipeline, [("a", F.document("A-1", supplier: "DK11111111", means: F.iban("DK5000400440116243")))])
        let id = try XCTUnwrap(r["a"]?.id)
        XCTAssertEqual(r["a"]?.state, .booked)
        XCTAssertEqual(try F.checkedPayments(outbox: root.outbox).count, 1)

        // Booked, and its files written, at 00:30 on 4 December in Copenhagen: 23:30 UTC on 3 December.
        let moment = "2026-12-03T23:30:00.000Z"
        try pipeline.store.pool.write { db in try db.execute(sql: "UPDATE invoice SET decided_at = ? WHERE id = ?", arguments: [moment, id]) }
        for folder in ["journal", "bank"] {
            let dir = root.outbox + "/manifests/" + folder
            for name in try FileManager.default.contentsOfDirectory(atPath: dir) where name.hasSuffix(".manifest.json") {
                var m = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))) as? [String: Any])
                m["written_at"] = moment
                try JSONSerialization.data(withJSONObject: m, options: [.sortedKeys]).write(to: URL(fileURLWithPath: dir + "/" + name))
            }
        }

        let local = try DayReport(date: "2026-12-04", config: pipeline.config, store: pipeline.store)
        XCTAssertEqual(local.timeZone, "Europe/Copenhagen")
        XCTAssertEqual(local.outcomes.map { "\($0.robot) \($0.outcome) \($0.count)" }, ["test booked 1"])
        XCTAssertEqual(local.files.map(\.writer), ["journal"], "the journal file written at 00:30 local time")
        XCTAssertEqual(local.payments?.paidCount, 1, "the payment file written at 00:30 local time")
        XCTAssertTrue(local.ok, "\(local)")

        let utcDay = try DayReport(date: "2026-12-03", config: pipeline.config, store: pipeline.store)
        XCTAssertTrue(utcDay.outcomes.isEmpty, "not the UTC day: \(utcDay.outcomes)")
        XCTAssertTrue(utcDay.files.isEmpty)
        XCTAssertEqual(utcDay.payments?.paidCount, 0)

        // The bounds: 3 December 23:00 UTC up to 4 December 23:00 UTC (winter), 22:00 in summer.
        let winter = ReportDay(LocalDate(parsing: "2026-12-04")!, timeZone: TimeZone(identifier: "Europe/Copenhagen")!)
        XCTAssertEqual([winter.start, winter.end], ["2026-12-03T23:00:00.000Z", "2026-12-04T23:00:00.000Z"])
        let summer = ReportDay(LocalDate(parsing: "2026-07-01")!, timeZone: TimeZone(identifier: "Europe/Oslo")!)
        XCTAssertEqual([summer.start, summer.end], ["2026-06-30T22:00:00.000Z", "2026-07-01T22:00:00.000Z"])
        // The day DST begins has 23 hours.
        let spring = ReportDay(LocalDate(parsing: "2026-03-29")!, timeZone: TimeZone(identifier: "Europe/Copenhagen")!)
        XCTAssertEqual([spring.start, spring.end], ["2026-03-28T23:00:00.000Z", "2026-03-29T22:00:00.000Z"])
    }
}
