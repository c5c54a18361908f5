import BilagCore
import BilagIntake
import BilagStore
import BilagTestKit
import Foundation
import GRDB
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Readiness rules, nested folders and the atomic claim, through the real binary.
final class IntakeTests: XCTestCase {
    let template = try! InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")

    /// rename: dot-files and temporary names are someone still writing; they are left alone until renamed.
    func testRenameRuleIgnoresDotFilesAndTemporaryNamesUntilRenamed() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        let writing = [".inv-1.xml", "inv-2.xml.tmp", "inv-3.xml.part", "inv-4.xml.partial", "inv-5.xml.filepart", "~$inv-6.xml",
                       "_tmpinv-7.xml", "inv-8.xml.crdownload", "inv-9.xml.inprogress", "inv-10.xml.writing", "inv-11.xml.swp",
                       "inv-12.xml~", "inv-13.xml.lock", "inv-14.xml.TMP", ".hidden/inv-15.xml"]
        for (i, name) in writing.enumerated() { try root.write(template.invoice(number: "REN-\(i)"), to: "peppol/" + name) }

        let first = try root.bilagSucceeding(["run", "--once"])
        XCTAssertEqual(first.processed, 0, first.stdout)
        XCTAssertEqual(root.inboxFiles().count, writing.count, "files still being written were claimed")
        XCTAssertEqual(try root.records().count, 0)

        // The writers finish: rename to the final names.
        var finals: [String] = []
        for (i, name) in writing.enumerated() {
            let final = "peppol/inv-\(i).xml"
            XCTAssertEqual(rename(root.inbox + "/peppol/" + name, root.inbox + "/" + final), 0)
            finals.append(final)
        }
        let second = try root.bilagSucceeding(["run", "--once"])
        XCTAssertEqual(second.processed, writing.count, second.stdout)
        XCTAssertEqual(root.inboxFiles(), [])
        XCTAssertEqual(Set(try root.records().map(\.sourcePath)), Set(finals))
    }

    /// receipt (Oxalis): `X.doc.xml` waits for `X.receipt.dat`; both leave the Inbox together, the receipt is kept
    /// next to the original; Oxalis nests folders by receiver and sender.
    func testReceiptRuleClaimsADocumentOnlyOnceItsReceiptExists() throws {
        let root = try TemporaryRoot()
        try root.writeConfig("""
        intake:
          readiness: rename
          poll_interval_ms: 25
          channels:
            peppol:
              readiness: receipt
        """)
        let folder = "peppol/0088_5790000435975/0088_5798009811578"
        try root.write(template.invoice(number: "RCPT-1"), to: "\(folder)/msg-1.doc.xml")
        try root.write(template.invoice(number: "RCPT-2"), to: "\(folder)/msg-2.doc.xml")
        let receipt2 = Data("receipt for msg-2 (AS4 MDN)".utf8)
        try root.write(receipt2, to: "\(folder)/msg-2.receipt.dat")
        try root.write(Data("orphan".utf8), to: "\(folder)/msg-3.receipt.dat") // a receipt alone is never claimed

        let first = try root.bilagSucceeding(["run", "--once"])
        XCTAssertEqual(first.processed, 1, first.stdout)
        XCTAssertEqual(root.inboxFiles(), ["\(folder)/msg-1.doc.xml", "\(folder)/msg-3.receipt.dat"])
        let r2 = try XCTUnwrap(try root.records().first)
        XCTAssertEqual(r2.sourcePath, "\(folder)/msg-2.doc.xml")
        XCTAssertEqual(r2.channel, "peppol")
        XCTAssertEqual(FileManager.default.contents(atPath: root.originalPath(of: r2) + ".receipt"), receipt2, "the receipt is kept with the original")

        let receipt1 = Data("receipt for msg-1".utf8)
        try root.write(receipt1, to: "\(folder)/msg-1.receipt.dat")
        let second = try root.bilagSucceeding(["run", "--once"])
        XCTAssertEqual(second.processed, 1, second.stdout)
        XCTAssertEqual(root.inboxFiles(), ["\(folder)/msg-3.receipt.dat"])
        let r1 = try XCTUnwrap(try root.records().first { $0.sourcePath.hasSuffix("msg-1.doc.xml") })
        XCTAssertEqual(FileManager.default.contents(atPath: root.originalPath(of: r1) + ".receipt"), receipt1)
        XCTAssertEqual(r1.invoiceNumber, "RCPT-1")
    }

    /// quiet: a file is claimed only once it has not changed for the quiet period — a slow writer's half file never is.
    func testQuietRuleWaitsUntilAFileHasBeenUnchangedForThePeriod() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "quiet", pollIntervalMs: 25, intake: ["quiet_period_ms: 1000"])
        // An old file is claimed at once.
        let old = try root.write(template.invoice(number: "QUIET-OLD"), to: "scanner/old.xml")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: old)

        let daemon = try root.startDaemon()
        defer { daemon.kill() }
        XCTAssertTrue(poll(timeout: 10) { root.inboxFiles().isEmpty }, "an old file must be claimed without waiting")

        // A slow writer: half the file, a pause well inside the quiet period, the rest.
        let data = template.invoice(number: "QUIET-SLOW")
        let path = root.inbox + "/scanner/slow.xml"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        data.prefix(data.count / 2).withUnsafeBytes { _ = write(fd, $0.baseAddress!, $0.count) }
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path), "a file still being written was claimed")
        data.dropFirst(data.count / 2).withUnsafeBytes { _ = write(fd, $0.baseAddress!, $0.count) }
        close(fd)
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0)
        let mtime = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9

        XCTAssertTrue(poll(timeout: 15) { root.inboxFiles().isEmpty }, "the file was never claimed")
        XCTAssertTrue(try poll(timeout: 10) { try root.records().contains { $0.sourcePath == "scanner/slow.xml" && $0.state != .received } })
        let r = try XCTUnwrap(try root.records().first { $0.sourcePath == "scanner/slow.xml" })
        let claimedAt = try XCTUnwrap(Timestamp.date(r.receivedAt)).timeIntervalSince1970
        XCTAssertGreaterThanOrEqual(claimedAt - mtime, 0.99, "claimed \(claimedAt - mtime) s after its last change; the quiet period is 1 s")
        XCTAssertEqual(r.sha256, ContentHash.sha256(data), "the claimed file must be the complete one")
        XCTAssertEqual(r.invoiceNumber, "QUIET-SLOW")
        daemon.terminate()
        XCTAssertEqual(daemon.wait(timeout: 20)?.exitCode, 0)
    }

    /// `run --once` with a quiet rule waits out the period of a fresh file rather than leaving it behind.
    func testRunOnceWaitsOutTheQuietPeriodOfAFreshFile() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "quiet", intake: ["quiet_period_ms: 700"])
        try root.write(template.invoice(number: "FRESH-1"), to: "scanner/fresh.xml")
        let started = Date()
        let run = try root.bilagSucceeding(["run", "--once"], timeout: 30)
        XCTAssertEqual(run.processed, 1, run.stdout)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.6)
        XCTAssertEqual(root.inboxFiles(), [])
    }

    /// Files in nested folders at any depth are found; the channel is the first folder (`default` for the Inbox itself).
    func testFilesInNestedSubfoldersAreFoundWithTheirChannel() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        let files = ["top.xml": "default", "peppol/a/b/c/d/e/f/deep.xml": "peppol", "oioubl/2026/11/23/day.xml": "oioubl",
                     "ehf/with space/æøå navn.xml": "ehf", "peppol/other/sibling.xml": "peppol"]
        for (i, path) in files.keys.sorted().enumerated() { try root.deliver(template.invoice(number: "NEST-\(i)"), to: path) }
        let run = try root.bilagSucceeding(["run", "--once"])
        XCTAssertEqual(run.processed, files.count, run.stdout)
        XCTAssertEqual(root.inboxFiles(), [])
        let records = try root.records()
        XCTAssertEqual(records.count, files.count)
        for r in records { XCTAssertEqual(r.channel, files[r.sourcePath], r.sourcePath) }
        XCTAssertEqual(Set(records.map(\.sourcePath)), Set(files.keys))
    }

    /// Two `bilag run --once` started at the same moment on one root: one runs, the other is refused by the state
    /// folder's run lock (or runs after it, if the first was done), and each file is claimed once.
    func testTwoRunOnceProcessesRacingOnOneInboxClaimEveryFileExactlyOnce() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", intake: ["batch_size: 25"])
        let stamped = template.stamp(count: 400, prefix: "RACE")
        for (i, s) in stamped.enumerated() { try root.deliver(s.data, to: "peppol/\(i % 7)/\(s.number).xml") }

        let a = try root.start(["run", "--once"], label: "once-a")
        let b = try root.start(["run", "--once"], label: "once-b")
        let oa = try XCTUnwrap(a.wait(timeout: 120), "first run --once hung")
        let ob = try XCTUnwrap(b.wait(timeout: 120), "second run --once hung")
        XCTAssertTrue(oa.exitCode == 0 || ob.exitCode == 0, "neither ran: \(oa)\n\(ob)")
        for o in [oa, ob] where o.exitCode != 0 {
            XCTAssertTrue(o.stderr.contains("is running on the state folder") && o.stderr.contains("pid "), "refused only by the run lock: \(o)")
        }
        XCTAssertGreaterThanOrEqual((oa.processed ?? 0) + (ob.processed ?? 0), stamped.count, "\(oa.stdout) / \(ob.stdout)")

        XCTAssertEqual(root.inboxFiles(), [])
        let records = try root.records()
        XCTAssertEqual(records.count, stamped.count)
        XCTAssertEqual(Set(records.map(\.sourcePath)).count, stamped.count, "a file recorded twice")
        XCTAssertEqual(Set(records.map(\.id)).count, stamped.count)
        let originals = TemporaryRoot.files(under: root.state + "/originals")
        XCTAssertEqual(originals.count, stamped.count, "kept originals ≠ records")
        let store = try root.store()
        for r in records {
            XCTAssertNotEqual(r.state, .received)
            XCTAssertFalse((r.reasonCode ?? "").hasPrefix("duplicate"), "\(r.sourcePath) flagged \(r.reasonCode!)")
            let events = try store.events(r.id)
            XCTAssertEqual(events.filter { $0.action == "claimed" }.count, 1, r.sourcePath)
            XCTAssertEqual(events.filter { $0.fromState == "received" && $0.toState != "received" }.count, 1, "\(r.sourcePath) decided more than once")
        }
    }

    /// The daemon and an operator's command start at the same moment on a state folder that does not exist yet: the
    /// database is created and migrated once, by whichever comes first, and neither fails.
    func testTwoProcessesStartingOnAFreshStateFolderBothSucceed() throws {
        for attempt in 0..<8 {
            let root = try TemporaryRoot("fresh\(attempt)")
            try root.configure(readiness: "rename")
            try root.deliver(template.invoice(number: "FRESH-\(attempt)"), to: "peppol/x.xml")
            let a = try root.start(["run", "--once"], label: "a")
            let b = try root.start(["queue", "list", "--json"], label: "b")
            let oa = try XCTUnwrap(a.wait(timeout: 60))
            let ob = try XCTUnwrap(b.wait(timeout: 60))
            XCTAssertEqual(oa.exitCode, 0, "attempt \(attempt): \(oa)")
            XCTAssertEqual(ob.exitCode, 0, "attempt \(attempt): \(ob)")
        }
    }

    /// The daemon starting on a state folder that does not exist yet while a reader opens the same database from
    /// another process (here this test process, as `records()` does while it waits for the daemon): both open it,
    /// and the daemon works through its Inbox. Before, the reader went without its turn on the open lock and
    /// migrated beside the daemon, which stopped with "table … already exists".
    func testTheDaemonAndAReaderOpeningAFreshDatabaseTogetherBothSucceed() throws {
        for attempt in 0..<10 {
            let root = try TemporaryRoot("reader\(attempt)")
            try root.configure(readiness: "rename", pollIntervalMs: 50)
            try root.deliver(template.invoice(number: "READER-\(attempt)"), to: "peppol/x.xml")
            XCTAssertFalse(FileManager.default.fileExists(atPath: root.state), "the state folder does not exist yet")
            let daemon = try root.start(["run"], label: "daemon")
            defer { daemon.kill(); _ = daemon.wait(timeout: 20) }
            // The reader comes a little later at each attempt, so that one of them meets the daemon's own opening.
            Thread.sleep(forTimeInterval: Double(attempt) * 0.02)
            var opened: Store?
            var lastError = ""
            let deadline = Date().addingTimeInterval(30)
            while opened == nil, Date() < deadline {
                do { opened = try Store(path: root.databasePath) } catch { lastError = "\(error)"; if !"\(error)".contains("unable to open") { break } }
            }
            let store = try XCTUnwrap(opened, "attempt \(attempt): the reader could not open the database: \(lastError)")
            let processed = poll(timeout: 60, interval: 0.05) {
                !daemon.isRunning || ((try? store.invoices(limit: 10)) ?? []).contains { $0.state != .received }
            } && daemon.isRunning
            XCTAssertTrue(processed, "attempt \(attempt): the daemon worked through its Inbox: \(root.allProcessOutput())")
        }
    }

    // MARK: claim ids, unit level

    /// Ids sort by arrival also across a restart within the same second (the duplicate check relies on it).
    func testClaimIDsSortByArrivalAcrossARestartWithinOneSecond() {
        let t = Date(timeIntervalSince1970: 1_795_420_000.250)
        let before = ClaimIDGenerator()
        let batch = (0..<300).map { _ in before.next(now: t) } // one claimed batch shares its `now`
        XCTAssertEqual(batch, batch.sorted(), "ids of one batch must increase")
        XCTAssertEqual(Set(batch).count, batch.count)
        let restarted = ClaimIDGenerator() // a new process, a few milliseconds later
        let after = restarted.next(now: t.addingTimeInterval(0.005))
        XCTAssertGreaterThan(after, batch.last!, "a file claimed after a restart must sort after the files claimed before it")
        XCTAssertEqual(ClaimIDGenerator.dayFolder(of: after), "2026-11-23")
    }

    /// A clock stepping back never makes an id repeat or go backwards within a process.
    func testClaimIDsStayIncreasingWhenTheClockStepsBack() {
        let g = ClaimIDGenerator()
        let t = Date(timeIntervalSince1970: 1_795_420_000.999_999)
        let ids = [g.next(now: t), g.next(now: t), g.next(now: t.addingTimeInterval(-2)), g.next(now: t.addingTimeInterval(1))]
        XCTAssertEqual(ids, ids.sorted())
        XCTAssertEqual(Set(ids).count, ids.count)
        for id in ids { XCTAssertEqual(id.count, 28, id) } // 20261123-082512-345678-p9f3a
    }

    /// Once the Inbox is empty the daemon copies the write-ahead log into the database file in the background: the
    /// file alone (as a backup that copies only it would take) then holds every invoice decided, long before the log
    /// reaches the size at which it is copied anyway.
    func testTheDatabaseFileAloneHoldsEveryDecisionOnceTheInboxIsEmpty() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 25)
        let daemon = try root.startDaemon()
        defer { daemon.kill() }
        for i in 0..<20 { try root.deliver(template.invoice(number: "FILE-\(i)"), to: "peppol/file-\(i).xml") }
        let copy = NSTemporaryDirectory() + "bilag-file-alone-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: copy); try? FileManager.default.removeItem(atPath: copy + "-wal"); try? FileManager.default.removeItem(atPath: copy + "-shm") }
        /// Decided invoices in a copy of the file alone (none before even the schema is copied from the log).
        func decidedInFileAlone() throws -> Int {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) }
            try FileManager.default.copyItem(atPath: root.databasePath, toPath: copy)
            let db = try DatabaseQueue(path: copy)
            defer { try? db.close() }
            return (try? db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM invoice WHERE state <> 'received'") }) ?? 0
        }
        XCTAssertTrue(try poll(timeout: 20, interval: 0.1) { try decidedInFileAlone() == 20 }, "the database file alone holds \((try? decidedInFileAlone()) ?? -1) of 20 decided invoices")
        XCTAssertTrue(daemon.isRunning)
        daemon.terminate()
        XCTAssertEqual(daemon.wait(timeout: 20)?.exitCode, 0)
    }
}
