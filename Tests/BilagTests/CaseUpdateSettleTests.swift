import BilagCore
import BilagEngine
import BilagOutbox
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// How write-backs settle when one is refused, reversed or re-run: a withdrawn write-back is never sent, and one
/// confirmed after all is reversed; a re-run applies a write-back once, whatever its reversal's state; a reversal names
/// what it reverses and never goes out after a re-run's new key.
extension CaseUpdateHoldTests {
    /// The shipped rent robot with a second write-back (`note-case`, on the same case system), before or after the
    /// deduction.
    func twoWriteBacks(noteFirst: Bool) throws -> [String: String] {
        let shipped = try RobotWorld()
        let note = "        - connector: benefits\n          action: note-case\n          params: { case_id: case.case_id }\n"
        var robot = try String(contentsOfFile: shipped.root + "/Robots/rent-payments.robot.yaml", encoding: .utf8)
        robot = noteFirst ? robot.replacingOccurrences(of: "      write_back:\n", with: "      write_back:\n" + note)
                          : robot.replacingOccurrences(of: "            invoice_number: invoice.number\n", with: "            invoice_number: invoice.number\n" + note)
        XCTAssertTrue(robot.contains("note-case"))
        return ["rent-payments.robot.yaml": robot]
    }

    /// The world's write-backs are queued by its runs and sent only by the test's own flushes.
    func sendingByHand(_ w: RobotWorld) throws -> RobotDecider {
        let robots = try XCTUnwrap(w.pipeline.decider as? RobotDecider)
        robots.caseUpdates = Later()
        return robots
    }

    /// December's deduction takes effect, its note is refused (the invoice goes to manual), and its reversal meets
    /// `reversal` (a fault) and `ends` so.
    func deductedThenNoteRefused(reversal: String, ends: String) throws -> (CaseSystemServer, RobotWorld, RobotDecider, String) {
        let s = try server()
        let w = try world(s, robots: try twoWriteBacks(noteFirst: false))
        try bookFirstRent(w)
        let robots = try sendingByHand(w)
        try w.run([Self.december])
        try s.faults(["write:pass", "write:refuse:case on hold", "write:" + reversal])
        try robots.caseUpdateSender().flush()
        let id = try w.record("r-december").id
        XCTAssertEqual(try w.store.caseUpdates(invoice: id).map { "\($0.action) \($0.state)" }, ["deduct-rent-from-benefit sent", "note-case refused", "reinstate-benefit \(ends)"])
        XCTAssertEqual(s.deducted["R12"], 1)
        return (s, w, robots, id)
    }

    static let deadlineNow = ("  deadline_minutes: 1440", "  deadline_minutes: 0")

    /// The first write-back is refused: the deduction after it, withdrawn with the booking, is not sent from the list
    /// the sender read before. A confirmation that arrives for a withdrawn write-back (sent by another process) is
    /// recorded as sent and reversed.
    func testAWriteBackWithdrawnByAnEarlierRefusalIsNotSentAndALateConfirmationIsReversed() throws {
        let s = try server()
        let w = try world(s, robots: try twoWriteBacks(noteFirst: true))
        try bookFirstRent(w)
        try s.faults(["write:refuse:no landlord on file"])
        try w.run([Self.december])
        let r = try w.record("r-december")
        XCTAssertEqual(r.reasonCode, "case-update-refused")
        XCTAssertEqual(s.deducted["R12"] ?? 0, 0, "the withdrawn deduction was not sent: \(s.stats)")
        let updates = try w.store.caseUpdates(invoice: r.id)
        XCTAssertEqual(updates.map { "\($0.action) \($0.state)" }, ["note-case refused", "deduct-rent-from-benefit withdrawn"])
        guard updates.count == 2 else { return }
        XCTAssertFalse(s.applied.keys.contains { $0.hasPrefix(updates[1].idempotencyKey) }, "\(s.applied)")

        // Another process had sent it; its confirmation arrives now.
        try w.store.markCaseUpdateSent(updates[1].id)
        let after = try w.store.caseUpdates(invoice: r.id)
        XCTAssertEqual(after.map { "\($0.action) \($0.state)" }, ["note-case refused", "deduct-rent-from-benefit sent", "reinstate-benefit pending"])
        XCTAssertEqual(after.last?.compensates, updates[1].idempotencyKey)
        XCTAssertFalse(try w.store.isReleased(r.id))
        XCTAssertEqual(try CaseCheck(store: w.store).findings.map(\.kind), ["compensation-pending"])
    }

    /// The deduction took effect, another write-back was refused, and the case system refused to reverse the
    /// deduction too: it is still in force. A re-run uses the same key again (the case system answers "already done"),
    /// never a new one: deducted once.
    func testARerunAfterARefusedReversalReusesTheKeyAndDeductsOnce() throws {
        let (s, w, robots, id) = try deductedThenNoteRefused(reversal: "refuse:the benefit year is closed", ends: "refused")
        _ = try ManualQueue(pipeline: w.pipeline).retry(id, by: "clerk")
        try robots.caseUpdateSender().flush(dueOnly: false)
        XCTAssertEqual(try w.record("r-december").state, .booked)
        XCTAssertTrue(try w.store.isReleased(id))
        XCTAssertEqual(s.deducted["R12"], 1, "the deduction in force is not applied again: \(s.stats)")
        XCTAssertFalse(try w.store.caseUpdates(invoice: id).contains { $0.idempotencyKey.hasSuffix("-2") })
        XCTAssertTrue(try CaseCheck(store: w.store).ok)
    }

    /// A re-run while the reversal is still pending waits for it. The reversal is then refused (the deduction stays in
    /// force): the re-run's write-back goes with the earlier key, and the case system answers "already done".
    func testARerunWhileTheReversalIsPendingWaitsAndAfterItsRefusalDeductsOnce() throws {
        let (s, w, robots, id) = try deductedThenNoteRefused(reversal: "503", ends: "pending")
        _ = try ManualQueue(pipeline: w.pipeline).retry(id, by: "clerk")
        try s.faults(["write:refuse:the benefit year is closed"])
        try robots.caseUpdateSender().flush(dueOnly: false)
        XCTAssertEqual(s.deducted["R12"], 1, "deducted once: \(s.stats)")
        XCTAssertEqual(try w.record("r-december").state, .booked)
        XCTAssertTrue(try w.store.isReleased(id))
        let states = try w.store.caseUpdates(invoice: id).map { "\($0.action) \($0.state)" }
        XCTAssertEqual(states.filter { $0.hasPrefix("deduct") }, ["deduct-rent-from-benefit sent", "deduct-rent-from-benefit sent"], "\(states)")
        let check = try CaseCheck(store: w.store)
        XCTAssertTrue(check.ok, "\(check.findings.map(\.message))")
    }

    /// A deduction given up at the deadline (it never arrived) is reversed; its reversal fails and waits for its
    /// backoff. A re-run's deduction under the new key is not sent before the reversal, which names the key it
    /// reverses (`Compensates-Key`, `{compensates}`): the case system reverses nothing, and the re-run's deduction stays.
    func testAReversalNamesWhatItReversesAndARerunsNewKeyNeverGoesBeforeIt() throws {
        let s = try server()
        let w = try world(s, replacing: [Self.deadlineNow])
        try bookFirstRent(w)
        let robots = try sendingByHand(w)
        try w.run([Self.december])
        try s.faults(["write:503", "write:503"])   // the deduction (given up at once: it never arrived); its reversal
        try robots.caseUpdateSender().flush()
        let id = try w.record("r-december").id
        let first = try w.store.caseUpdates(invoice: id)
        XCTAssertEqual(first.map(\.state), ["failed", "pending"])
        XCTAssertNotNil(first.last?.retryAt)
        _ = try ManualQueue(pipeline: w.pipeline).retry(id, by: "clerk")
        func sender(at t: Date) -> CaseUpdateSender {
            let base = robots.caseUpdateSender()
            return CaseUpdateSender(store: w.store, connectors: base.connectors, policy: RetryPolicy(baseSeconds: 30, maxSeconds: 1800, deadlineSeconds: 86_400, now: { t }, jitter: { 1 }), logger: base.logger)
        }
        // The re-run's deduction is due, its invoice's reversal not yet: nothing goes.
        XCTAssertEqual(try sender(at: Date()).flush().sent, 0)
        XCTAssertEqual(s.deducted["R12"] ?? 0, 0)
        XCTAssertEqual(try sender(at: Date().addingTimeInterval(3 * 86_400)).flush().released, [id])
        XCTAssertEqual(s.deducted["R12"], 1, "the re-run's deduction stays in force: \(s.stats)")
        let reversal = try XCTUnwrap((s.stats["reversals"] as? [[String: Any]])?.first)
        XCTAssertEqual(reversal["compensates"] as? String, first[0].idempotencyKey)
        XCTAssertEqual((reversal["body"] as? [String: Any])?["reverses"] as? String, first[0].idempotencyKey)
        let order = s.stats["order"] as? [String] ?? []
        XCTAssertEqual(order.filter { $0.hasPrefix(first[0].idempotencyKey) }, [first[1].idempotencyKey, first[0].idempotencyKey + "-2"], "the reversal first")
    }

    /// Crash window: the file and its manifest were published, the store was not yet marked, and the case system
    /// collected the file. The updates are taken over from the manifest: not written again, the manifest untouched.
    func testACaseUpdateFileCollectedBeforeTheStoreMarkedItIsNotWrittenAgain() throws {
        let w = try world(nil, replacing: [("    folder: casedata/benefits\n", "    folder: casedata/benefits\n    updates: files\n")])
        try bookFirstRent(w)
        let robots = try sendingByHand(w)
        try w.run([Self.december])
        let dec = try w.record("r-december")
        let pending = try XCTUnwrap(try w.store.pendingCaseUpdates(limit: 10).first)
        let files = CaseUpdateFiles(connector: "benefits", outbox: w.root + "/Outbox")
        let name = "benefits-\(LocalDate.today(Date()))-\(String(format: "%012d", pending.id))-\(String(format: "%012d", pending.id)).jsonl"
        let data = Data((pending.payload + "\n").utf8)
        let manifest: [String: Any] = ["file": name, "connector": "benefits", "count": 1, "sha256": OutboxManifest.sha256(data), "bytes": data.count, "written_at": "2026-11-20T10:00:00Z",
                                       "updates": [["idempotency_key": pending.idempotencyKey, "invoice_id": dec.id]]]
        try FileManager.default.createDirectory(atPath: files.manifestDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: files.directory, withIntermediateDirectories: true)
        let published = try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys])
        try published.write(to: URL(fileURLWithPath: files.manifestPath(name)))
        // (its file was collected by the case system: not in the folder)
        let result = try robots.caseUpdateSender().flush()
        XCTAssertEqual(result.released, [dec.id])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: files.directory).filter { $0.hasSuffix(".jsonl") }, [], "not delivered again")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: files.manifestPath(name))), published, "the published manifest is not rewritten")
        XCTAssertEqual(try w.store.caseUpdates(invoice: dec.id).first?.file, name)
        XCTAssertEqual(try robots.caseUpdateSender().flush().sent, 0)
    }
}
