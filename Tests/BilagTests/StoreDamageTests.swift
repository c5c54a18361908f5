import BilagCore
import BilagTestKit
import Foundation
import GRDB
import XCTest

/// A database file damaged while bilag was stopped (pages in its middle overwritten) opens and answers most queries;
/// `bilag run` must refuse it and `bilag store check` report it, as `database-corrupt` (exit 4). Real binary.
final class StoreDamageTests: XCTestCase {
    func testADatabaseDamagedInItsMiddleIsRefusedByRunAndReportedByStoreCheck() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        let template = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        for i in 1...300 { try root.deliver(template.invoice(number: "D-\(i)"), to: "peppol/d-\(i).xml") }
        try root.bilagSucceeding(["run", "--once"], timeout: 120)
        XCTAssertEqual(try root.bilag(["store", "check"]).exitCode, 0)

        // Everything into the database file, then 8 KiB in its middle overwritten, as the outside tester did.
        let queue = try DatabaseQueue(path: root.databasePath)
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        let db = try FileHandle(forUpdating: URL(fileURLWithPath: root.databasePath))
        let size = try db.seekToEnd()
        XCTAssertGreaterThan(size, 64 * 1024, "too small a store to damage in its middle")
        try db.seek(toOffset: size / 2 / 4096 * 4096)
        try db.write(contentsOf: Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }))
        try db.close()
        try root.deliver(template.invoice(number: "AFTER-DAMAGE"), to: "peppol/after.xml")

        let check = try root.bilag(["store", "check"])
        XCTAssertEqual(check.exitCode, 4, "\(check)")
        XCTAssertTrue(check.stderr.contains("is damaged") && check.stderr.contains("bilag store rebuild"), check.stderr)
        for args in [["run", "--once"], ["run"]] {
            let run = try root.bilag(args, timeout: 60)
            XCTAssertEqual(run.exitCode, 4, "\(args) started on a damaged database: \(run)")
            XCTAssertTrue(run.stderr.contains("is damaged"), run.stderr)
        }
        XCTAssertEqual(root.inboxFiles(), ["peppol/after.xml"], "nothing may be claimed onto a damaged database")
    }
}
