import BilagBench
import BilagCore
import BilagEngine
import BilagOutbox
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// A write-back holds its invoice's booking: nothing of an invoice whose robot writes back reaches an Outbox file
/// (journal, ERP, payments) until its case systems confirm; a refusal sends it to manual; the rent case (benefit
/// reduced and landlord paid) happens whole or not at all, whatever fails or crashes between the steps.
final class CaseUpdateHoldTests: XCTestCase {
    typealias S = RobotScenarioTests

    static var december: (String, ScenarioInvoice) { ("r-december", S.rent("R12", note: "Lejer 150382-4455", contract: "L-2201-3", amount: "6300.00", date: "2026-12-01")) }
    static var january: (String, ScenarioInvoice) { ("r-january", S.rent("R13", note: "Lejer 150382-4455", contract: "L-2201-3", amount: "6300.00", date: "2027-01-01")) }

    var cleanup: [String] = []
    override func tearDown() { for f in cleanup { try? FileManager.default.removeItem(atPath: f) } }

    func server() throws -> CaseSystemServer {
        try CaseSystemServer.onShippedCaseData(cleanup: &cleanup)
    }

    /// A world on the shipped robots (over HTTP when `s` is given), its `bilag.yaml` edited by `replacing`.
    func world(_ s: CaseSystemServer?, replacing: [(String, String)] = [], robots: [String: String] = [:]) throws -> RobotWorld {
        let w = try RobotWorld(connectors: s?.connectorsYAML(), robots: robots)
        var yaml = try String(contentsOfFile: w.root + "/bilag.yaml", encoding: .utf8)
        for (a, b) in replacing {
            XCTAssertTrue(yaml.contains(a), a)
            yaml = yaml.replacingOccurrences(of: a, with: b)
        }
        try yaml.write(toFile: w.root + "/bilag.yaml", atomically: true, encoding: .utf8)
        try w.open()
        return w
    }

    /// An ERP import writer beside the journal (its plain CSV names each invoice id), so `outboxLines` sees both.
    static let withERP = ("      close_after_minutes: 0\n", "      close_after_minutes: 0\n    erp:\n      kind: erp\n      layout: plain-csv\n")

    /// The tenant's first rent invoice, checked and approved by a clerk: later months go through the robot.
    /// October's first rent, booked by a clerk who made its deduction by hand (`withoutWriteBacks`): these tests are
    /// about the write-backs of the months after it (an approval's own are `ApprovalWriteBackTests`').
    func bookFirstRent(_ w: RobotWorld) throws {
        try w.run([("r-first", S.rent("R1", note: "Lejer 150382-4455", contract: "L-2201-3", amount: "6250.00"))])
        _ = try ManualQueue(pipeline: w.pipeline).approve(try w.record("r-first").id, posting: .init(account: "5640010", dimensions: ["costcentre": "3310"]), by: "clerk", withoutWriteBacks: true)
    }

    /// The published files of every writer (not the case-update files, not manifests), as an ERP or a bank reads the
    /// Outbox: a writer's temporary (`.tmp-…`) and pending names and its `.lock` are never read. While a file is
    /// published, its temporary name and its final name are two links to the same bytes for a moment, so a reader
    /// that counted dot-files would see a booking twice.
    static func publishedOutboxFiles(_ w: RobotWorld) -> [String] {
        let outbox = w.root + "/Outbox"
        return (FileManager.default.enumerator(atPath: outbox)?.compactMap { $0 as? String } ?? []).filter { path in
            !path.hasPrefix("case-updates") && !path.contains("manifests") && !path.split(separator: "/").contains { $0.hasPrefix(".") }
        }.map { outbox + "/" + $0 }
    }

    /// How many lines of the Outbox's published files (every writer's, not the case-update files) name the invoice.
    static func outboxLines(_ w: RobotWorld, _ id: String) -> Int {
        publishedOutboxFiles(w).reduce(0) { n, path in
            n + ((try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").filter { $0.contains(id) }.count ?? 0)
        }
    }

    /// How many of the Outbox's published files (every writer's, not the case-update files) name the invoice.
    static func outboxFiles(_ w: RobotWorld, _ id: String) -> Int {
        publishedOutboxFiles(w).filter { ((try? String(contentsOfFile: $0, encoding: .utf8))?.contains(id) ?? false) }.count
    }

    // MARK: held, refused, operators' paths

    func testARefusedWriteBackSendsTheInvoiceToManualAndNothingToTheOutboxAndARerunUsesTheSameKey() throws {
        let s = try server()
        let w = try world(s, replacing: [Self.withERP])
        try bookFirstRent(w)
        try s.faults(["write:refuse:case YD-9001 is closed for deductions this month"])
        let got = try w.run([Self.december])
        XCTAssertEqual(got["r-december"]?.state, .manual)
        XCTAssertEqual(got["r-december"]?.reason, "case-update-refused")
        let r = try w.record("r-december")
        XCTAssertTrue(r.reasonMessage?.contains("closed for deductions") == true, r.reasonMessage ?? "")
        XCTAssertEqual(Self.outboxLines(w, r.id), 0, "a refused invoice reaches no Outbox file")
        XCTAssertFalse(try w.store.isReleased(r.id))
        XCTAssertEqual(s.deducted["R12"] ?? 0, 0)
        let refused = try XCTUnwrap(try w.store.caseUpdates(invoice: r.id).first)
        XCTAssertEqual(refused.state, "refused")
        // The operator sees both sides.
        let bin = try BilagBinary.locate()
        let show = try bin.run(["queue", "show", r.id, "--root", w.root], logDirectory: w.root)
        XCTAssertTrue(show.stdout.contains("case-system write-backs (booking none)") && show.stdout.contains("deduct-rent-from-benefit: refused"), show.stdout)
        let status = try bin.run(["status", "--root", w.root], logDirectory: w.root)
        XCTAssertTrue(status.stdout.contains("refused by connector benefits"), status.stdout)
        // The case is fixed; the operator re-runs it: the same idempotency key, now applied, and the booking released.
        _ = try ManualQueue(pipeline: w.pipeline).retry(r.id, by: "clerk", note: "case reopened")
        let after = try w.record("r-december")
        XCTAssertEqual(after.state, .booked)
        XCTAssertTrue(try w.store.isReleased(r.id))
        XCTAssertEqual(Self.outboxFiles(w, r.id), 2, "released: in one journal file and one ERP file")
        XCTAssertEqual(Self.outboxLines(w, r.id), 3, "one journal line, two ERP rows (expense and payable)")
        XCTAssertEqual(s.deducted["R12"], 1)
        XCTAssertEqual(s.applied[refused.idempotencyKey], 1, "the same key: \(s.applied)")
        let actions = try w.store.events(r.id).map(\.action)
        XCTAssertTrue(actions.contains("case-update-refused") && actions.contains("retried") && actions.contains("released"), "\(actions)")
        XCTAssertEqual(try bin.run(["report", "check", "--root", w.root], logDirectory: w.root).exitCode, 0)
    }

    func testApprovingOrRejectingARefusedInvoiceIsAuditedAndReportCheckSaysWhereTheSystemsDisagree() throws {
        let s = try server()
        let w = try world(s)
        try bookFirstRent(w)
        try s.faults(["write:refuse:case closed", "write:refuse:case closed"])   // the two deductions, whenever the look-ups are asked
        try w.run([Self.december, Self.january])
        let dec = try w.record("r-december"), jan = try w.record("r-january")
        XCTAssertEqual([dec.reasonCode, jan.reasonCode], ["case-update-refused", "case-update-refused"])
        let q = ManualQueue(pipeline: w.pipeline)
        _ = try q.approve(dec.id, posting: .init(account: "5640010", dimensions: ["costcentre": "3310"]), by: "clerk", note: "deducted by hand")
        _ = try q.reject(jan.id, code: .returnedToSupplier, by: "clerk")
        XCTAssertEqual(Self.outboxLines(w, dec.id), 1, "approved by hand: booked and released")
        XCTAssertEqual(Self.outboxLines(w, jan.id), 0)
        let bin = try BilagBinary.locate()
        let check = try bin.run(["report", "check", "--json", "--root", w.root], logDirectory: w.root)
        XCTAssertEqual(check.exitCode, 5, check.description)
        let findings = try XCTUnwrap(try check.jsonObject()["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.map { $0["invoice_id"] as? String }, [dec.id], "a rejected invoice whose write-back was refused: the systems agree (neither)")
        XCTAssertEqual(findings.first?["kind"] as? String, "booked-without-write-back")
        XCTAssertEqual(findings.first?["booking"] as? String, "released")
    }

    // MARK: the rent case as one unit

    /// The deduction took effect but its answer was lost, and the case system stayed down past the deadline: the
    /// landlord is not paid (manual), and the deduction is reversed by a compensating write-back with its own key. A
    /// re-run then deducts again under a new key (the old one was reversed) and releases the booking.
    func testADeductionGivenUpAtTheDeadlineIsReversedAndTheLandlordIsNotPaid() throws {
        let s = try server()
        let w = try world(s, replacing: [("  deadline_minutes: 1440", "  deadline_minutes: 0")])
        try bookFirstRent(w)
        // Applied, its answer lost (libcurl tries a dropped connection once more: that try gets a 503).
        try s.faults(["write:drop", "write:503"])
        let got = try w.run([Self.december])
        XCTAssertEqual(got["r-december"]?.state, .manual)
        XCTAssertEqual(got["r-december"]?.reason, "case-system-unavailable")
        let id = try w.record("r-december").id
        XCTAssertEqual(Self.outboxLines(w, id), 0)
        XCTAssertEqual(s.deducted["R12"], 0, "deducted, then reversed: \(s.stats)")
        let updates = try w.store.caseUpdates(invoice: id)
        XCTAssertEqual(updates.map(\.state), ["failed", "sent"])
        guard updates.count == 2 else { return }
        XCTAssertEqual(updates[1].action, "reinstate-benefit")
        XCTAssertEqual(updates[1].compensates, updates[0].idempotencyKey)
        XCTAssertNotEqual(updates[1].idempotencyKey, updates[0].idempotencyKey)
        XCTAssertTrue(try CaseCheck(store: w.store).ok, "reversed: the systems agree")
        // The reason says it is reversed and that a re-run goes under a new key (before: "same idempotency key").
        let why = try w.record("r-december").reasonMessage ?? ""
        XCTAssertTrue(why.contains("being reversed") && why.contains("new key") && !why.contains("same idempotency key"), why)
        XCTAssertEqual(try CaseUpdateStatus(store: w.store).attention.map(\.action), ["deduct-rent-from-benefit"])
        _ = try ManualQueue(pipeline: w.pipeline).retry(id, by: "clerk")
        XCTAssertEqual(try w.record("r-december").state, .booked)
        XCTAssertEqual(s.deducted["R12"], 1)
        XCTAssertEqual(Self.outboxLines(w, id), 1)
        // Done again under KEY-2 and confirmed: `bilag status` no longer lists the given-up one (before, it stayed).
        XCTAssertEqual(try CaseUpdateStatus(store: w.store).attention.count, 0)
        let check = try CaseCheck(store: w.store)
        XCTAssertTrue(check.ok, "\(check.findings.map(\.message))")
    }

    /// Approved by hand after its deduction was given up and reversed: the landlord is paid without a deduction in
    /// force, and `report check` says so, with both sides.
    func testApprovingAfterAReversalIsListedAsBookedWithoutItsWriteBack() throws {
        let s = try server()
        let w = try world(s, replacing: [("  deadline_minutes: 1440", "  deadline_minutes: 0")])
        try bookFirstRent(w)
        try s.faults(["write:drop", "write:503"])
        try w.run([Self.december])
        let id = try w.record("r-december").id
        XCTAssertEqual(s.deducted["R12"], 0)
        _ = try ManualQueue(pipeline: w.pipeline).approve(id, posting: .init(account: "5640010", dimensions: ["costcentre": "3310"]), by: "clerk")
        XCTAssertTrue(try w.store.isReleased(id))
        let check = try CaseCheck(store: w.store)
        XCTAssertEqual(check.findings.map(\.kind), ["booked-without-write-back"])
        XCTAssertEqual(check.findings.first?.booking, "released")
        XCTAssertEqual(check.findings.first?.updates.map(\.state), ["failed", "sent"])
    }

    /// Two write-backs: the first takes effect, the second is refused. The booking is not released, and the first is
    /// reversed: "reduced and paid, or neither".
    func testWhenOneWriteBackIsRefusedTheOtherIsReversed() throws {
        let shipped = try RobotWorld()
        let robot = try String(contentsOfFile: shipped.root + "/Robots/rent-payments.robot.yaml", encoding: .utf8)
            .replacingOccurrences(of: "            invoice_number: invoice.number\n", with: "            invoice_number: invoice.number\n        - connector: benefits\n          action: notify-landlord\n          params: { case_id: case.case_id }\n")
        XCTAssertTrue(robot.contains("notify-landlord"))
        let s = try server()
        let w = try RobotWorld(connectors: s.connectorsYAML().replacingOccurrences(of: "reinstate-benefit:\n", with: "notify-landlord:\n        path: /cases/{case_id}/notify\n      reinstate-benefit:\n"),
                               robots: ["rent-payments.robot.yaml": robot])
        try bookFirstRent(w)
        try s.faults(["write:pass", "write:refuse:no landlord on file"])
        try w.run([Self.december])
        let r = try w.record("r-december")
        XCTAssertEqual(r.reasonCode, "case-update-refused")
        XCTAssertEqual(Self.outboxLines(w, r.id), 0)
        XCTAssertEqual(s.deducted["R12"], 0, "the deduction that took effect was reversed: \(s.stats)")
        XCTAssertEqual(try w.store.caseUpdates(invoice: r.id).map { "\($0.action) \($0.state)" }, ["deduct-rent-from-benefit sent", "notify-landlord refused", "reinstate-benefit sent"])
    }

    /// `kill -9` after the case system applied the deduction and before its answer arrived: the booking is held (no
    /// Outbox file holds it, before or after the kill); a restart resends with the same key, the case system answers
    /// "already done", and the booking is released once: deducted once, in the journal once.
    func testKillNineBetweenTheDeductionAndTheBookingDeductsOnceAndBooksOnce() throws {
        let s = try server()
        let w = try world(s, replacing: [Self.withERP])
        try bookFirstRent(w)
        try Self.december.1.xml.write(toFile: w.root + "/Inbox/test/r-december.xml", atomically: true, encoding: .utf8)
        try s.delay(0, afterWrite: 30)
        let bin = try BilagBinary.locate()
        let writes = s.stats["writes"] as? Int ?? 0
        let daemon = try bin.start(["run", "--root", w.root], logDirectory: w.root, label: "daemon")
        let deadline = Date().addingTimeInterval(30)
        while (s.stats["writes"] as? Int ?? 0) == writes, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertEqual(s.deducted["R12"], 1, "the case system applied the deduction; its answer is held back")
        let id = try w.record("r-december").id
        XCTAssertEqual(try w.store.heldBookings().keys.sorted(), [id])
        Thread.sleep(forTimeInterval: 0.5)   // the Outbox service has had its chance
        XCTAssertEqual(Self.outboxLines(w, id), 0, "held: not in any Outbox file")
        XCTAssertFalse(try w.store.bookingIDs().values.contains(id), "held: no journal entry for any Outbox writer or payment to take")
        daemon.kill()
        XCTAssertNotNil(daemon.wait(timeout: 20))
        XCTAssertEqual(Self.outboxLines(w, id), 0)
        try s.delay(0)
        let last = try bin.run(["run", "--once", "--root", w.root], logDirectory: w.root)
        XCTAssertTrue(last.succeeded, last.description)
        XCTAssertEqual(try w.record("r-december").state, .booked)
        XCTAssertEqual(Self.outboxFiles(w, id), 2, "released once: in one journal file and one ERP file")
        XCTAssertEqual(Self.outboxLines(w, id), 3, "one journal line, two ERP rows (expense and payable)")
        XCTAssertEqual(s.deducted["R12"], 1, "deducted once")
        XCTAssertEqual(try w.store.caseUpdates(invoice: id).map(\.state), ["sent"])
        let check = try bin.run(["report", "check", "--root", w.root], logDirectory: w.root)
        XCTAssertEqual(check.exitCode, 0, check.description)
    }

    // MARK: the daemon's service

    /// The daemon sends write-backs from a service of its own: a case system answering 503 keeps the update pending
    /// with backoff (shown by `bilag status` as waiting for the connector), and the booking is released to the Outbox
    /// once it is taken.
    func testTheDaemonRetriesAWriteBackWithBackoffAndThenReleasesTheBooking() throws {
        let s = try server()
        let w = try world(s, replacing: [("  retry_base_seconds: 30", "  retry_base_seconds: 1")])
        try bookFirstRent(w)
        try s.faults(["write:503", "write:503", "write:503"])
        try Self.december.1.xml.write(toFile: w.root + "/Inbox/test/r-december.xml", atomically: true, encoding: .utf8)
        let bin = try BilagBinary.locate()
        let daemon = try bin.start(["run", "--root", w.root], logDirectory: w.root, label: "daemon")
        defer { daemon.kill(); _ = daemon.wait(timeout: 20) }
        var status = ""
        var sawWaiting = false
        var deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !sawWaiting {
            status = (try? bin.run(["status", "--root", w.root], logDirectory: w.root).stdout) ?? ""
            sawWaiting = status.contains("waiting for connector benefits since") && status.contains("last error")
            if !sawWaiting { Thread.sleep(forTimeInterval: 0.1) }
        }
        XCTAssertTrue(sawWaiting, status)
        let id = try w.record("r-december").id
        XCTAssertEqual(Self.outboxLines(w, id), 0, "held while the case system fails")
        XCTAssertFalse(try w.store.isReleased(id))
        deadline = Date().addingTimeInterval(30)
        while Date() < deadline, Self.outboxLines(w, id) == 0 { Thread.sleep(forTimeInterval: 0.1) }
        XCTAssertEqual(Self.outboxLines(w, id), 1, "released once the write-back was taken")
        XCTAssertEqual(s.deducted["R12"], 1)
        let json = try bin.run(["status", "--json", "--root", w.root], logDirectory: w.root).jsonObject()
        let updates = try XCTUnwrap(json["case_updates"] as? [String: Any])
        XCTAssertEqual(updates["held_bookings"] as? Int, 0)
        XCTAssertEqual((updates["counts"] as? [String: Int])?["sent"], 1)
        daemon.terminate()
        XCTAssertEqual(daemon.wait(timeout: 20)?.exitCode, 0)
    }

    /// The sender's own retry, on an injected clock: a 503 puts the next try a backoff period away (not sent before,
    /// sent after, and the booking released when it is taken), and a 429 with `Retry-After` no earlier than the case
    /// system asked.
    func testTheSenderRetriesWhenDueWithBackoffAndRetryAfter() throws {
        let s = try server()
        let w = try world(s)
        try bookFirstRent(w)
        let robots = try XCTUnwrap(w.pipeline.decider as? RobotDecider)
        robots.caseUpdates = Later()
        try w.run([Self.december])
        let id = try w.record("r-december").id
        XCTAssertFalse(try w.store.isReleased(id))
        let t0 = Date()
        func sender(at t: Date) -> CaseUpdateSender {
            let base = robots.caseUpdateSender()
            return CaseUpdateSender(store: w.store, connectors: base.connectors, policy: RetryPolicy(baseSeconds: 30, maxSeconds: 1800, deadlineSeconds: 86_400, now: { t }, jitter: { 1 }), logger: base.logger)
        }
        try s.faults(["503"])
        XCTAssertEqual(try sender(at: t0).flush().sent, 0)
        let failing = try XCTUnwrap(try w.store.caseUpdates(invoice: id).first)
        XCTAssertEqual(failing.retryAt.flatMap(Timestamp.date).map { $0.timeIntervalSince(t0) } ?? 0, 30, accuracy: 0.01)
        let requests = s.requests
        XCTAssertEqual(try sender(at: t0.addingTimeInterval(10)).flush().sent, 0)
        XCTAssertEqual(s.requests, requests, "not due: not sent")
        XCTAssertEqual(try sender(at: t0.addingTimeInterval(31)).flush().released, [id])
        XCTAssertTrue(try w.store.isReleased(id))
        XCTAssertEqual(s.deducted["R12"], 1)
        // The next month's deduction meets a 429 asking for 100 seconds: its next try is no earlier.
        try w.run([Self.january])
        let jan = try w.record("r-january").id
        try s.faults(["429:100"])
        let t1 = Date()
        XCTAssertEqual(try sender(at: t1).flush().sent, 0)
        let asked = try XCTUnwrap(try w.store.caseUpdates(invoice: jan).first?.retryAt.flatMap(Timestamp.date))
        XCTAssertGreaterThanOrEqual(asked.timeIntervalSince(t1), 99.9, "not before Retry-After")
        XCTAssertFalse(try w.store.isReleased(jan))
    }

    // MARK: updates as files

    struct Later: CaseUpdateFlushing { func caseUpdatesQueued() {} }

    func testWriteBacksAsFilesAreWrittenWholeOnceWithAManifestAndReleaseTheBooking() throws {
        let w = try world(nil, replacing: [("    folder: casedata/benefits\n", "    folder: casedata/benefits\n    updates: files\n")])
        try bookFirstRent(w)
        try w.run([Self.december])
        let dec = try w.record("r-december")
        XCTAssertEqual(dec.state, .booked)
        XCTAssertTrue(try w.store.isReleased(dec.id), "written as a file: delivered")
        let folder = w.root + "/Outbox/case-updates/benefits"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jsonl") }
        XCTAssertEqual(files.count, 1)
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + files[0]))
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.count, 1)
        XCTAssertTrue(lines[0].contains("deduct-rent-from-benefit") && lines[0].contains(dec.id), String(lines[0]))
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: w.root + "/Outbox/case-updates/manifests/benefits/\(files[0]).manifest.json"))) as? [String: Any]
        XCTAssertEqual(manifest?["count"] as? Int, 1)
        XCTAssertEqual(manifest?["sha256"] as? String, OutboxManifest.sha256(data))
        XCTAssertFalse(FileManager.default.fileExists(atPath: w.root + "/casedata/benefits/updates.jsonl"), "not sent through the connector")

        // A writer killed between its file's link and the store's mark left a file the store does not know: its update
        // is marked delivered with that file, not written again.
        let robots = try XCTUnwrap(w.pipeline.decider as? RobotDecider)
        robots.caseUpdates = Later()
        try w.run([Self.january])
        let jan = try w.record("r-january")
        let pending = try XCTUnwrap(try w.store.pendingCaseUpdates(limit: 10).first)
        XCTAssertFalse(try w.store.isReleased(jan.id))
        let orphan = "benefits-2026-11-20-\(String(format: "%012d", pending.id))-\(String(format: "%012d", pending.id)).jsonl"
        try (pending.payload + "\n").write(toFile: folder + "/" + orphan, atomically: true, encoding: .utf8)
        try Data("1".utf8).write(to: URL(fileURLWithPath: folder + "/.lock"))   // its mark: a write was under way
        let result = try robots.caseUpdateSender().flush()
        XCTAssertEqual(result.released, [jan.id])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jsonl") }.count, 2, "no second file for the same update")
        XCTAssertEqual(try w.store.caseUpdates(invoice: jan.id).first?.file, orphan)
        XCTAssertEqual(try robots.caseUpdateSender().flush().sent, 0)
    }
}
