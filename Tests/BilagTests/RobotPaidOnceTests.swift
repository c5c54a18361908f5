import BilagCore
import BilagEngine
import BilagStore
import BilagBench
import BilagTestKit
import Foundation
import XCTest

/// What the shipped robots pay once — a certificate order, a month's rent, a plan's period — is paid once, whatever
/// number, issue date or arrival order a second invoice for it has; and a plan that is not the invoice's alone is a
/// person's call.
final class RobotPaidOnceTests: XCTestCase {
    func rent(_ number: String, issued: String, period: String? = nil, amount: String = "6250.00") -> ScenarioInvoice {
        var i = ScenarioInvoice()
        i.number = number; i.sellerCVR = "12345623"; i.sellerName = "Boligselskabet"; i.buyerEAN = "5798000000100"
        i.note = "Lejer 150382-4455"; i.contractReference = "L-2201-3"; i.issueDate = issued
        if let period { i.periodStart = period + "-01"; i.periodEnd = period + "-28" }
        i.amount(amount, vat: "0")
        return i
    }

    /// December's rent sent again under new numbers — issued later, and issued before the first — goes to a clerk;
    /// January's still books. (Before, each was booked and paid, and the benefit deducted each time.)
    func testAMonthsRentIsPaidOnce() throws {
        let w = try RobotWorld(today: "2026-12-10")
        XCTAssertEqual(try w.run([("nov", rent("BS-11", issued: "2026-11-01"))])["nov"]?.reason, "first-rent-invoice")
        _ = try ManualQueue(pipeline: w.pipeline).approve(try w.record("nov").id, posting: .init(account: "5640010", dimensions: ["costcentre": "3310"]), by: "clerk")
        XCTAssertEqual(try w.run([("dec", rent("BS-12", issued: "2026-12-01"))])["dec"]?.state, .booked)
        let again = try w.run([
            ("dec-again", rent("BS-12-2", issued: "2026-12-05")),
            ("dec-earlier", rent("BS-12-0", issued: "2026-11-25", period: "2026-12")),
        ])
        assertOutcomes(again, ["dec-again": "rent-month-already-paid", "dec-earlier": "rent-month-already-paid"])
        XCTAssertTrue(try w.record("dec-again").reasonMessage?.contains("Rent for 2026-12 on tenancy L-2201-3 was booked before") == true)
        assertOutcomes(try w.run([("jan", rent("BS-01", issued: "2027-01-01"))]), ["jan": "booked"])
        let updates = try String(contentsOfFile: w.root + "/casedata/benefits/updates.jsonl", encoding: .utf8)
        XCTAssertEqual(updates.split(separator: "\n").filter { $0.contains("\"period\":\"2026-12\"") }.count, 1, updates)
    }

    /// A second invoice for an order already paid, dated before the first, is held: the order's `history` counts
    /// bookings whatever their issue date (`issued: any`). Through `robots test` with that booking as history, so the
    /// robot's own rule is what is tried (a case system would also mark the order invoiced).
    func testAnOrderIsPaidOnceEvenWhenTheResendIsDatedEarlier() throws {
        let bin = try BilagBinary.locate()
        let w = try RobotWorld()
        var resend = RobotScenarioTests.med("M0", note: "Attest vedr. CPR 010190-1234", amount: "405.00", date: "2026-11-01")
        resend.issueDate = "2026-11-01"
        try resend.xml.write(toFile: w.root + "/resend.xml", atomically: true, encoding: .utf8)
        try "key,amount,issue_date,invoice_number\nORD-2026-0101,405.00,2026-11-02,M1\n".write(toFile: w.root + "/history.csv", atomically: true, encoding: .utf8)
        let o = try bin.run(["robots", "test", "medical-certificates", w.root + "/resend.xml", "--root", w.root, "--today", "2026-11-20", "--history", w.root + "/history.csv"], logDirectory: w.root)
        XCTAssertTrue(o.stdout.contains("decision: MANUAL order-already-invoiced"), o.stdout)
    }

    static func power(_ number: String, issued: String, period: String? = nil, note: String = "Målepunkt 571313104400123456") -> ScenarioInvoice {
        var i = RobotScenarioTests.plan(number, cvr: "12345666", ean: "5798000000117", amount: "8200.00", note: note, date: issued)
        if let period { i.periodStart = period + "-01"; i.periodEnd = period + "-28" }
        return i
    }

    /// A monthly plan's period is the month the invoice is for: November's bill sent again, issued in December, is
    /// November's second invoice — and does not use up December.
    func testAPlansPeriodIsTheMonthTheInvoiceIsFor() throws {
        let w = try RobotWorld(today: "2026-12-10")
        try w.addPlans(RobotScenarioTests.demoPlans)
        XCTAssertEqual(try w.run([("nov", Self.power("EF-91001", issued: "2026-11-10", period: "2026-11"))])["nov"]?.state, .booked)
        let got = try w.run([("nov-again", Self.power("EF-91002", issued: "2026-12-02", period: "2026-11"))])
        assertOutcomes(got, ["nov-again": "second-invoice-in-period"])
        assertOutcomes(try w.run([("dec", Self.power("EF-91003", issued: "2026-12-03", period: "2026-12"))]), ["dec": "booked"])
    }

    /// A tenancy number is the landlord's own: two housing companies' flats "1204", each with its own tenant (case),
    /// have histories of their own. The second landlord's first rent is a first rent for a clerk — not compared with
    /// the first landlord's amount, nor held as a month already paid.
    func testRentHistoryIsTheLandlordsTheCasesAndTheTenancys() throws {
        let w = try RobotWorld(today: "2026-11-20")
        try """
            [{"case_id": "YD-1", "cpr": "1503824455", "tenancy_id": "1204", "housing_cvr": "12345623", "status": "active", "rent_administered": true},
             {"case_id": "YD-2", "cpr": "0911753366", "tenancy_id": "1204", "housing_cvr": "12345631", "status": "active", "rent_administered": true}]
            """.write(toFile: w.root + "/casedata/benefits/rent-cases.json", atomically: true, encoding: .utf8)
        let queue = ManualQueue(pipeline: w.pipeline)
        let posting = ManualQueue.PostingInput(account: "5640010", dimensions: ["costcentre": "3310"], vatCode: "I0")
        let a = { (n: String, date: String) in RobotScenarioTests.rent(n, cvr: "12345623", note: "Lejer 150382-4455", contract: "1204", amount: "4000.00", date: date) }
        let b = { (n: String, date: String) in RobotScenarioTests.rent(n, cvr: "12345631", note: "Lejer 091175-3366", contract: "1204", amount: "7000.00", date: date) }
        XCTAssertEqual(try w.run([("a-sep", a("A-9", "2026-09-01"))])["a-sep"]?.reason, "first-rent-invoice")
        _ = try queue.approve(try w.record("a-sep").id, posting: posting, by: "clerk")
        XCTAssertEqual(try w.run([("a-oct", a("A-10", "2026-10-01"))])["a-oct"]?.state, .booked)
        let got = try w.run([("b-oct", b("B-10", "2026-10-01")), ("b-nov", b("B-11", "2026-11-01"))])
        XCTAssertEqual(got["b-oct"]?.reason, "first-rent-invoice", "the other landlord's tenancy 1204: its own first rent")
        XCTAssertEqual(got["b-nov"]?.reason, "first-rent-invoice")
        _ = try queue.approve(try w.record("b-oct").id, posting: posting, by: "clerk")
        XCTAssertEqual(try w.run([("a-nov", a("A-11", "2026-11-01"))])["a-nov"]?.state, .booked, "the first landlord's November: its own history")
    }

    /// A plan's renewal (a new plan id, the same supplier, receiver and criteria) does not pay a period the plan it
    /// renews paid already, nor does a plan ended and added again; and until the renewal starts, the plan in force on
    /// the invoice's date takes the invoice, not the renewal (which would call the invoice's plan expired).
    func testARenewedPlanPaysAPeriodOnceAndThePlanInForceTakesTheInvoice() throws {
        let w = try RobotWorld(today: "2026-12-20")
        try w.addPlans(RobotScenarioTests.demoPlans)
        func tele(_ number: String, issued: String, period: String) -> ScenarioInvoice {
            var i = RobotScenarioTests.plan(number, cvr: "12345674", ean: "5798000000124", amount: "1200.00", date: issued)
            i.periodStart = period + "-01"; i.periodEnd = period + "-28"
            return i
        }
        XCTAssertEqual(try w.run([("dec-a", tele("T-A", issued: "2026-12-05", period: "2026-12"))])["dec-a"]?.state, .booked)
        // The renewal, from the day after P-TELE-SKOLE ends.
        try w.addPlans(["P-TELE-2027,Mobiltelefoni Himmelev Skole,payment-plan,12345674,5798000000124,500.00,5000.00,monthly,,,,4620010,costcentre=3120;activity=tele,I25,2026-12-16,2027-12-15,"])
        // November's bill, issued while the old plan is in force: the old plan's, and November is not paid yet.
        assertOutcomes(try w.run([("nov", tele("T-C", issued: "2026-12-10", period: "2026-11"))]), ["nov": "booked"])
        let trace = try w.store.decisions(invoice: try w.record("nov").id).map(\.traceJSON).joined()
        XCTAssertTrue(trace.contains("plan \\\"P-TELE-SKOLE\\\" matched"), trace)
        // December's second bill, issued under the renewal: December is paid already.
        assertOutcomes(try w.run([("dec-b", tele("T-B", issued: "2026-12-20", period: "2026-12"))]), ["dec-b": "second-invoice-in-period"])
        // Ended and added again (a higher maximum): still December's second.
        try w.store.endPlan("P-TELE-2027")
        try w.addPlans(["P-TELE-2027B,Mobiltelefoni Himmelev Skole,payment-plan,12345674,5798000000124,500.00,9000.00,monthly,,,,4620010,costcentre=3120;activity=tele,I25,2026-12-16,2027-12-15,"])
        assertOutcomes(try w.run([("dec-c", tele("T-D", issued: "2026-12-21", period: "2026-12"))]), ["dec-c": "second-invoice-in-period"])
    }

    /// Two plans that fit an invoice equally well (two metering points on one bill) are not chosen between silently;
    /// of two invoice-number prefixes the longer, more specific one takes the invoice.
    func testPlansThatFitEquallyGoToAPersonAndTheMostSpecificPrefixWins() throws {
        let w = try RobotWorld(today: "2026-11-20")
        try w.addPlans(RobotScenarioTests.demoPlans + [
            "P-EL-SKOLE,El skolen,pre-posting,12345666,5798000000117,100.00,20000.00,monthly,,,571313104400654323,4310020,costcentre=3120,I25,2026-01-01,2026-12-31,",
            "P-PFX-A,A,pre-posting,12345674,5798000000209,,,,,7001,,4400030,costcentre=2400,I25,2026-01-01,2026-12-31,",
            "P-PFX-B,B,pre-posting,12345674,5798000000209,,,,,70012,,4400040,costcentre=2500,I25,2026-01-01,2026-12-31,",
        ])
        let got = try w.run([
            ("two-points", Self.power("EF-2", issued: "2026-11-10", note: "Målepunkter 571313104400123456 og 571313104400654323")),
            ("prefix", RobotScenarioTests.plan("7001299", cvr: "12345674", ean: "5798000000209", amount: "900.00")),
        ])
        assertOutcomes(got, ["two-points": "several-plans", "prefix": "booked"])
        XCTAssertTrue(try w.record("two-points").reasonMessage?.contains("P-EL-RAADHUS") == true)
        let journal = try FileManager.default.contentsOfDirectory(atPath: w.root + "/Outbox/journal").filter { $0.hasSuffix(".jsonl") }
            .map { try String(contentsOfFile: w.root + "/Outbox/journal/" + $0, encoding: .utf8) }.joined()
        XCTAssertTrue(journal.contains("\"account\":\"4400040\""), "the longer prefix's plan: \(journal)")
    }

    /// An invoice a robot declined (not its kind) and an operator booked is the operator's alone: the journal and the
    /// payments report named the declining robot as its robot. One a robot kept and sent to a clerk (the first rent)
    /// stays filed under that robot, so later months compare with it.
    func testAnOperatorsBookingNamesOnlyTheRobotThatKeptTheInvoice() throws {
        let w = try RobotWorld(today: "2026-11-20")
        try w.addPlans(RobotScenarioTests.demoPlans)
        let got = try w.run([
            ("declined", RobotScenarioTests.plan("RG-1", cvr: "12345682", ean: "5798000000209", amount: "3600.00")),
            ("first", rent("BS-11", issued: "2026-11-01")),
        ])
        assertOutcomes(got, ["declined": "no-robot", "first": "first-rent-invoice"])
        let queue = ManualQueue(pipeline: w.pipeline)
        for name in ["declined", "first"] {
            _ = try queue.approve(try w.record(name).id, posting: .init(account: "5640010", dimensions: ["costcentre": "3310"]), by: "clerk")
        }
        try w.pipeline.outbox.flush(w.store)
        let lines = try FileManager.default.contentsOfDirectory(atPath: w.root + "/Outbox/journal").filter { $0.hasSuffix(".jsonl") }
            .flatMap { try String(contentsOfFile: w.root + "/Outbox/journal/" + $0, encoding: .utf8).split(separator: "\n") }
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let byNumber = Dictionary(uniqueKeysWithValues: lines.map { ($0["invoice_number"] as? String ?? "", $0) })
        XCTAssertNil(byNumber["RG-1"]?["robot"] as? String, "\(String(describing: byNumber["RG-1"]))")
        XCTAssertEqual(byNumber["BS-11"]?["robot"] as? String, "rent-payments")
        XCTAssertEqual(byNumber["BS-11"]?["history_key"] as? String, "12345623/YD-9001/L-2201-3", "the landlord, the case and the tenancy")
    }
}
