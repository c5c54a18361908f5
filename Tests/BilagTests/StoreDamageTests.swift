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
    /// The database deleted under a running daemon: before, it went on claiming and booking into the unlinked file
    /// (an outside tester: 600 invoices and 6 bank files after the delete), and `bilag status` said bilag had not run
    /// yet. Now the daemon stops at its next pass with a critical event and exit 4, and status says the store was lost.
    func testADatabaseDeletedUnderARunningDaemonStopsItAndStatusSaysTheStoreWasLost() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 25)
        let template = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        try root.deliver(template.invoice(number: "L-1"), to: "peppol/l-1.xml")
        let daemon = try root.startDaemon()
        defer { daemon.kill() }
        XCTAssertTrue(try poll(timeout: 20) { try root.records().count == 1 })
        let id = try XCTUnwrap(try root.records().first?.id)
        try root.bilagSucceeding(TemporaryRoot.approval(id))
        XCTAssertTrue(poll(timeout: 20) { !TemporaryRoot.files(under: root.journalDirectory).filter { $0.hasSuffix(".jsonl") }.isEmpty })

        for suffix in ["", "-wal", "-shm"] { unlink(root.databasePath + suffix) }
        let end = try XCTUnwrap(daemon.wait(timeout: 20), "the daemon stops")
        XCTAssertEqual(end.exitCode, 4, end.stderr.suffix(1500).description)
        let critical = end.stderr.split(separator: "\n").first { $0.contains("\"level\":\"critical\"") && $0.contains("was deleted") }
        XCTAssertNotNil(critical, end.stderr.suffix(1500).description)
        let status = try root.bilag(["status"])
        XCTAssertTrue(status.stdout.contains("the store was lost") && status.stdout.contains("store rebuild"), status.stdout)
    }
}
