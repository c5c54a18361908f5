import BilagCore
import BilagStore
import BilagTestKit
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A store that is behind its own Outbox — deleted, emptied, or restored from an older copy — is refused with a clear
/// message, and `bilag store rebuild` brings it back without booking anything twice. Through the real binary.
final class StoreBehindOutboxTests: XCTestCase {
    /// A root with 6 invoices: 3 approved by operators (in the journal), the rest in the manual queue.
    func processedRoot() throws -> (TemporaryRoot, InvoiceTemplate, [String: String]) {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        let template = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        for i in 1...6 { try root.deliver(template.invoice(number: "B-\(i)"), to: "peppol/b-\(i).xml") }
        try root.bilagSucceeding(["run", "--once"])
        let ids = Dictionary(uniqueKeysWithValues: try records(root).map { ($0.sourcePath, $0.id) })
        for i in 1...3 { try approve(root, ids["peppol/b-\(i).xml"]!) }
        XCTAssertEqual(try root.journal().entries.count, 3)
        return (root, template, ids)
    }

    /// The records as the database holds them now (a store opened for this read only: the database may be replaced).
    func records(_ root: TemporaryRoot) throws -> [InvoiceRecord] {
        try Store(path: root.databasePath).invoices(limit: 100_000)
    }

    func approve(_ root: TemporaryRoot, _ id: String) throws {
        try root.bilagSucceeding(["queue", "approve", id, "--account", "5250", "--dim", "costcentre=4711", "--user", "alice"])
    }

    func removeDatabase(_ root: TemporaryRoot) {
        for suffix in ["", "-wal", "-shm"] { unlink(root.databasePath + suffix) }
    }

    func assertRefused(_ root: TemporaryRoot, file: StaticString = #filePath, line: UInt = #line) throws {
        for args in [["run", "--once"], ["run"]] {
            let o = try root.bilag(args, timeout: 60)
            XCTAssertNotEqual(o.exitCode, 0, "\(args) started on a store behind its Outbox: \(o)", file: file, line: line)
            XCTAssertTrue(o.stderr.contains("behind its Outbox"), o.stderr, file: file, line: line)
            XCTAssertTrue(o.stderr.contains("bilag store rebuild") && o.stderr.contains("restore"), "the refusal says how to recover: \(o.stderr)", file: file, line: line)
        }
        let status = try root.bilag(["status"])
        XCTAssertTrue(status.stdout.contains("behind its Outbox"), "status warns: \(status)", file: file, line: line)
        let check = try root.bilag(["store", "check"])
        XCTAssertEqual(check.exitCode, 5, "\(check)", file: file, line: line)
        XCTAssertTrue(check.stdout.contains("NOT consistent"), check.stdout, file: file, line: line)
    }

    func testJournalLinesCarryTheInvoiceAndTheHashOfItsOriginal() throws {
        let (root, _, _) = try processedRoot()
        let byID = Dictionary(uniqueKeysWithValues: try records(root).map { ($0.id, $0) })
        for e in try root.journal().entries {
            let id = try XCTUnwrap(e["invoice_id"] as? String)
            XCTAssertEqual(e["sha256"] as? String, byID[id]?.sha256, "line of \(id)")
        }
        XCTAssertEqual(try root.bilag(["store", "check"]).exitCode, 0)
    }

    func testADeletedStoreIsRefusedAndRebuiltFromTheOutboxAndTheOriginals() throws {
        let (root, template, ids) = try processedRoot()
        let booked = Set((1...3).map { ids["peppol/b-\($0).xml"]! })
        removeDatabase(root)
        try assertRefused(root)

        let rebuilt = try root.bilag(["store", "rebuild", "--yes"])
        XCTAssertEqual(rebuilt.exitCode, 0, "\(rebuilt)")
        XCTAssertTrue(rebuilt.stdout.contains("3 booked, 3 to the manual queue"), rebuilt.stdout)
        XCTAssertEqual(try root.bilag(["store", "check"]).exitCode, 0)
        let after = try records(root)
        XCTAssertEqual(Set(after.filter { $0.state == .booked }.map(\.id)), booked)
        XCTAssertEqual(Set(after.filter { $0.state == .manual }.map { $0.reasonCode ?? "" }), ["store-rebuilt"])

        // The same invoice re-sent is a duplicate again; a new invoice books into a new file above the old sequence.
        try root.deliver(template.invoice(number: "B-1"), to: "peppol/b-1-again.xml")
        try root.bilagSucceeding(["run", "--once"])
        let again = try XCTUnwrap(try records(root).first { $0.sourcePath == "peppol/b-1-again.xml" })
        XCTAssertEqual(again.reasonCode, "duplicate-file")
        let queued = try XCTUnwrap(after.first { $0.state == .manual }?.id)
        try approve(root, queued)
        let journal = try root.journal()
        XCTAssertEqual(journal.invoiceIDs.count, 4)
        XCTAssertEqual(Set(journal.invoiceIDs).count, 4, "an invoice was written twice: \(journal.invoiceIDs)")
        XCTAssertEqual(Set(journal.sequenceNumbers).count, 4, "a sequence number was given twice: \(journal.sequenceNumbers)")
        XCTAssertEqual(journal.files.count, 4)
    }

    func testAStoreTruncatedToNothingIsRefused() throws {
        let (root, _, _) = try processedRoot()
        for suffix in ["-wal", "-shm"] { unlink(root.databasePath + suffix) }
        XCTAssertEqual(truncate(root.databasePath, 0), 0)
        try assertRefused(root)
        let check = try root.bilag(["store", "check", "--json"]).jsonObject()
        XCTAssertTrue((check["findings"] as? [String] ?? []).contains { $0.contains("holds no invoices") }, "\(check)")
    }

    func testAStoreRestoredFromACopyOlderThanOperatorApprovalsIsRefused() throws {
        let (root, _, ids) = try processedRoot()
        // The copy an operator would take while the daemon waits: the database file alone.
        let backup = root.path + "/backup.sqlite"
        try FileManager.default.copyItem(atPath: root.databasePath, toPath: backup)
        try approve(root, ids["peppol/b-4.xml"]!)
        try approve(root, ids["peppol/b-5.xml"]!)
        removeDatabase(root)
        try FileManager.default.copyItem(atPath: backup, toPath: root.databasePath)
        try assertRefused(root)
        // An operator's approval on the restored store is refused too: it could book b-4 a second time.
        let again = try root.bilag(["queue", "approve", ids["peppol/b-4.xml"]!, "--account", "5250", "--dim", "costcentre=4711", "--user", "bob"])
        XCTAssertNotEqual(again.exitCode, 0, "\(again)")
        XCTAssertTrue(again.stderr.contains("behind its Outbox"), again.stderr)
        XCTAssertEqual(try root.journal().invoiceIDs.count, 5)

        try root.bilagSucceeding(["store", "rebuild", "--yes"])
        let booked = try records(root).filter { $0.state == .booked }.map(\.id)
        XCTAssertEqual(Set(booked), Set((1...5).map { ids["peppol/b-\($0).xml"]! }))
        try root.bilagSucceeding(["run", "--once"])
        XCTAssertEqual(try root.journal().invoiceIDs.count, 5)
    }

    func testTheDatabaseFileAloneHoldsOperatorActionsOnceTheyReturn() throws {
        let (root, _, ids) = try processedRoot()
        // A daemon holding the database open, so an operator's command is not its last user.
        let daemon = try root.startDaemon()
        defer { daemon.terminate(); _ = daemon.wait(timeout: 20) }
        try approve(root, ids["peppol/b-4.xml"]!)
        let copy = root.path + "/copy.sqlite"
        try FileManager.default.copyItem(atPath: root.databasePath, toPath: copy)
        let store = try Store(path: copy)
        XCTAssertEqual(try store.invoice(ids["peppol/b-4.xml"]!)?.state, .booked, "the approval is in the database file once approve returned")
    }

    /// kill -9 in the middle of a run, then the write-ahead log is lost: the store forgot bookings its journal files
    /// hold. The start is refused; the rebuild restores them, and the rest of the run writes no invoice twice.
    func testKillNineThenALostWriteAheadLogIsRefusedAndRebuiltWithoutWritingAnInvoiceTwice() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 10, intake: ["batch_size: 20"])
        try root.addBookEverythingRobot(pay: true)
        let template = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        let stamped = template.stamp(count: 1500, prefix: "WAL")
        for s in stamped { try root.deliver(s.data, to: "peppol/\(s.number).xml") }
        let daemon = try root.start(["run"], label: "daemon")
        XCTAssertTrue(poll(timeout: 60, interval: 0.01) { ((try? root.journal().files.count) ?? 0) >= 3 }, "no journal files were written")
        daemon.kill()
        _ = daemon.wait(timeout: 20)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.databasePath + "-wal"), "the log was already gone")
        unlink(root.databasePath + "-wal")
        unlink(root.databasePath + "-shm")
        let before = try root.journal().invoiceIDs.count
        try assertRefused(root)

        try root.bilagSucceeding(["store", "rebuild", "--yes"])
        try root.bilagSucceeding(["run", "--once"], timeout: 120)
        let journal = try root.journal()
        XCTAssertGreaterThanOrEqual(journal.invoiceIDs.count, before)
        XCTAssertEqual(Set(journal.invoiceIDs).count, journal.invoiceIDs.count, "an invoice was written twice")
        let all = try records(root)
        XCTAssertEqual(all.count, stamped.count)
        // What the journal held is booked; what it did not waits for a person (store-rebuilt), or booked afterwards.
        XCTAssertEqual(Set(journal.invoiceIDs), Set(all.filter { $0.state == .booked }.map(\.id)))
        XCTAssertEqual(Set(all.map(\.state)).subtracting([.booked, .manual]), [])
        XCTAssertEqual(try root.bilag(["store", "check"]).exitCode, 0)
    }
}
