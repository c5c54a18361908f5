import BilagBench
import BilagCore
import BilagEngine
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// An operator's approval of a robot's deviation finishes the robot's run: the robot goes on past the approved reason
/// and its write-backs go with the booking. Before, approving a tenancy's first rent invoice (the robot's own message:
/// "check the amount … and approve") paid the landlord and never reduced the tenant's benefit, with nothing in
/// `bilag report check`; approving a certificate above its tariff never marked the order invoiced.
final class ApprovalWriteBackTests: XCTestCase {
    let rentPosting = ManualQueue.PostingInput(account: "5640010", dimensions: ["costcentre": "3310"], vatCode: "I0")

    func rent(_ number: String, date: String, amount: String = "6250.00", note: String? = "Lejer 150382-4455") -> ScenarioInvoice {
        var i = ScenarioInvoice()
        i.number = number; i.sellerCVR = "12345623"; i.sellerName = "Boligselskabet"; i.buyerEAN = "5798000000100"
        i.note = note; i.contractReference = "L-2201-3"; i.issueDate = date; i.amount(amount, vat: "0")
        return i
    }

    func updates(_ w: RobotWorld, _ connector: String) throws -> [[String: Any]] {
        let path = w.root + "/casedata/\(connector)/updates.jsonl"
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func approvalDetail(_ w: RobotWorld, _ id: String) throws -> String {
        try XCTUnwrap(try w.pipeline.store.events(id).last { $0.action == "approved" }?.detail)
    }

    func testApprovingTheFirstRentInvoiceDeductsTheRentFromTheBenefit() throws {
        let w = try RobotWorld()
        XCTAssertEqual(try w.run([("oct", rent("R-10", date: "2026-10-01"))])["oct"]?.reason, "first-rent-invoice")
        let oct = try w.record("oct").id
        _ = try ManualQueue(pipeline: w.pipeline).approve(oct, posting: rentPosting, by: "clerk")
        XCTAssertEqual(try w.record("oct").state, .booked)
        let deductions = try updates(w, "benefits").filter { $0["action"] as? String == "deduct-rent-from-benefit" }
        XCTAssertEqual(deductions.count, 1, "\(deductions)")
        let params = try XCTUnwrap(deductions.first?["params"] as? [String: Any])
        XCTAssertEqual(params["period"] as? String, "2026-10")
        XCTAssertEqual(params["amount"] as? String, "6250.00")
        XCTAssertEqual(params["invoice_number"] as? String, "R-10")
        XCTAssertEqual(try w.pipeline.store.caseUpdates(invoice: oct).map(\.state), ["sent"])
        XCTAssertTrue(try w.pipeline.store.isReleased(oct), "released once the deduction is confirmed")
        let detail = try approvalDetail(w, oct)
        XCTAssertTrue(detail.contains("ran on past first-rent-invoice"), detail)
        XCTAssertTrue(try CaseCheck(store: w.pipeline.store).ok)
        // `queue show` gives the whole key (before: its first 12 characters, so KEY and KEY-2 looked alike).
        let key = try XCTUnwrap(try w.pipeline.store.caseUpdates(invoice: oct).first?.idempotencyKey)
        let shown = try BilagBinary.locate().run(["queue", "show", oct, "--root", w.root], logDirectory: w.root)
        XCTAssertTrue(shown.stdout.contains("(key \(key), "), shown.stdout)

        // November's rent, well above October's: the clerk approves the change, and November is deducted too — once.
        XCTAssertEqual(try w.run([("nov", rent("R-11", date: "2026-11-01", amount: "8250.00"))])["nov"]?.reason, "rent-change-too-large")
        _ = try ManualQueue(pipeline: w.pipeline).approve(try w.record("nov").id, posting: rentPosting, by: "clerk")
        let periods = try updates(w, "benefits").compactMap { ($0["params"] as? [String: Any])?["period"] as? String }
        XCTAssertEqual(periods, ["2026-10", "2026-11"])
        // December goes through by itself, as the robot promised.
        XCTAssertEqual(try w.run([("dec", rent("R-12", date: "2026-12-01", amount: "8300.00"))])["dec"]?.state, .booked)
        XCTAssertEqual(try updates(w, "benefits").count, 3)
    }

    func testApprovingACertificateAboveItsTariffMarksTheOrderInvoiced() throws {
        let w = try RobotWorld()
        XCTAssertEqual(try w.run([("m", RobotScenarioTests.med("M8", note: "CPR 120578-1122", amount: "1500.00"))])["m"]?.reason, "amount-outside-tariff")
        let id = try w.record("m").id
        _ = try ManualQueue(pipeline: w.pipeline).approve(id, posting: .init(account: "4520010", dimensions: ["costcentre": "2150"], vatCode: "I0"), by: "clerk")
        let marked = try updates(w, "health").filter { $0["action"] as? String == "mark-order-invoiced" }
        XCTAssertEqual(marked.count, 1, "\(marked)")
        XCTAssertEqual((marked.first?["params"] as? [String: Any])?["invoice_number"] as? String, "M8")
        XCTAssertTrue(try w.pipeline.store.isReleased(id))
    }

    /// Where the robot cannot finish past the approved deviation (no tenant named, so no benefit case to deduct from),
    /// the approval is refused with what to do; `--without-write-backs` books it, audited, for an operator who made the
    /// deduction by hand. The command line says both.
    func testAnApprovalTheRobotCannotFinishNeedsWithoutWriteBacks() throws {
        let w = try RobotWorld()
        XCTAssertEqual(try w.run([("x", rent("R-20", date: "2026-11-01", note: "Husleje november"))])["x"]?.reason, "missing-cpr")
        let id = try w.record("x").id
        let bin = try BilagBinary.locate()
        let refused = try bin.run(["queue", "approve", id, "--account", "5640010", "--dim", "costcentre=3310", "--vat-code", "I0", "--user", "clerk", "--root", w.root], logDirectory: w.root)
        XCTAssertEqual(refused.exitCode, 2, refused.description)
        XCTAssertTrue(refused.stderr.contains("write-backs-not-made") || refused.stderr.contains("cannot finish its run"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("--without-write-backs"), refused.stderr)
        XCTAssertEqual(try w.pipeline.store.invoice(id)?.state, .manual)

        let booked = try bin.run(["queue", "approve", id, "--account", "5640010", "--dim", "costcentre=3310", "--vat-code", "I0", "--user", "clerk", "--without-write-backs", "--root", w.root], logDirectory: w.root)
        XCTAssertEqual(booked.exitCode, 0, booked.description)
        XCTAssertEqual(try w.pipeline.store.invoice(id)?.state, .booked)
        let detail = try approvalDetail(w, id)
        XCTAssertTrue(detail.contains("not made (--without-write-backs"), detail)
        XCTAssertEqual(try updates(w, "benefits").count, 0)
    }
}
