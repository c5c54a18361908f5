import BilagCore
import BilagEngine
import BilagStore
import BilagBench
import Foundation
import XCTest

/// Each shipped robot over a table of scenario invoices that covers every branch: booked, and each deviation.
final class RobotScenarioTests: XCTestCase {
    static func med(_ number: String, cvr: String = "12345607", ean: String = "5798000000018", note: String?, amount: String, date: String = "2026-11-02", credit: Bool = false) -> ScenarioInvoice {
        var i = ScenarioInvoice()
        i.number = number; i.sellerCVR = cvr; i.buyerEAN = ean; i.note = note; i.issueDate = date; i.creditNote = credit
        i.amount(amount, vat: "0")
        return i
    }

    /// An invoice for every branch of the medical-certificates robot (also run against HTTP by `HTTPRobotTests`).
    static var medicalMonth: [(String, ScenarioInvoice)] { [
        ("m-booked", Self.med("M1", note: "Attest vedr. CPR 010190-1234", amount: "405.00")),
        ("m-missing-cvr", Self.med("M2", cvr: "12345678", note: "CPR 010190-1234", amount: "405.00")),
        ("m-missing-cpr", Self.med("M3", note: "Statusattest", amount: "405.00")),
        ("m-no-order", Self.med("M4", note: "Borger 010203-4455", amount: "405.00")),
        ("m-several-orders", Self.med("M5", note: "Borger 050505-5555", amount: "405.00")),
        ("m-order-not-open", Self.med("M6", cvr: "12345615", note: "Borger 070766-5544", amount: "900.00")),
        ("m-no-tariff", Self.med("M7", cvr: "12345615", note: "Borger 080808-8888", amount: "900.00")),
        ("m-outside-tariff", Self.med("M8", note: "CPR 120578-1122", amount: "1500.00")),
        ("m-credit-note", Self.med("M9", cvr: "12345615", note: "Borger 230285-4433", amount: "2900.00", credit: true)),
        ("m-old-tariff", Self.med("M10", note: "CPR 090909-9999", amount: "395.00", date: "2026-02-10")),
        // Within the LÆ 145 tariff with its VAT, but certificates are VAT-exempt.
        ("m-with-vat", { var i = Self.med("M12", note: "CPR 120578-1122", amount: "1335.00"); i.amount("1068.00", vat: "25"); return i }()),
        // Written in September 2025; the order was placed in October 2026.
        ("m-before-order", { var i = Self.med("M13", cvr: "12345615", note: "Borger 230285-4433", amount: "2900.00"); i.periodStart = "2025-09-01"; i.periodEnd = "2025-09-01"; return i }()),
    ] }

    func testMedicalCertificates() throws {
        let w = try RobotWorld()
        let got = try w.run(Self.medicalMonth)
        assertOutcomes(got, [
            "m-booked": "booked", "m-missing-cvr": "missing-cvr", "m-missing-cpr": "missing-cpr", "m-no-order": "no-order",
            "m-several-orders": "several-orders", "m-order-not-open": "order-not-open", "m-no-tariff": "no-tariff",
            "m-outside-tariff": "amount-outside-tariff", "m-credit-note": "credit-note", "m-old-tariff": "booked",
            "m-with-vat": "vat-on-exempt-service", "m-before-order": "written-before-order",
        ])
        // The order is marked invoiced in the health system (write-back with an idempotency key) …
        let updates = try String(contentsOfFile: w.root + "/casedata/health/updates.jsonl", encoding: .utf8)
        XCTAssertTrue(updates.contains("\"order_id\":\"ORD-2026-0101\""), updates)
        XCTAssertTrue(updates.contains("idempotency_key"))
        // … so a second invoice for it is refused, by the history and by the order status alike.
        let again = try w.run([("m-again", Self.med("M11", note: "CPR 010190-1234", amount: "405.00"))])
        XCTAssertEqual(again["m-again"]?.reason, "order-not-open")
        // The decision records the robot, its file version and legal basis, and the steps.
        let booked = try w.record("m-booked")
        let decision = try XCTUnwrap(try w.store.decisions(invoice: booked.id).first)
        XCTAssertEqual(decision.robot, "medical-certificates")
        XCTAssertEqual(decision.robotHash.count, 64)
        XCTAssertEqual(decision.legalBasis?.contains("Retssikkerhedsloven"), true)
        XCTAssertTrue(decision.traceJSON.contains("lookup"), decision.traceJSON)
        XCTAssertTrue(booked.decidedBy?.hasPrefix("robot:medical-certificates@") == true)
        // Journal: one line, posted on the robot's account with the case dimension.
        let journal = try FileManager.default.contentsOfDirectory(atPath: w.root + "/Outbox/journal").filter { $0.hasSuffix(".jsonl") }
            .map { try String(contentsOfFile: w.root + "/Outbox/journal/" + $0, encoding: .utf8) }.joined()
        XCTAssertTrue(journal.contains("\"account\":\"4520010\""), journal)
        XCTAssertTrue(journal.contains("\"case\":\"SAG-4711\""), journal)
    }

    func testSameOrderTwiceInOneBatchBooksOnce() throws {
        let w = try RobotWorld()
        let got = try w.run([
            ("a", Self.med("D1", note: "CPR 010190-1234", amount: "405.00")),
            ("b", Self.med("D2", note: "CPR 010190-1234", amount: "405.00")),
        ])
        XCTAssertEqual([got["a"]!.state, got["b"]!.state].filter { $0 == .booked }.count, 1)
        XCTAssertEqual([got["a"]!.reason, got["b"]!.reason].compactMap { $0 }, ["order-already-invoiced"])
    }

    static func rent(_ number: String, cvr: String = "12345623", note: String?, contract: String?, amount: String, date: String = "2026-11-01", credit: Bool = false) -> ScenarioInvoice {
        var i = ScenarioInvoice()
        i.number = number; i.sellerCVR = cvr; i.sellerName = "Boligselskabet"; i.buyerEAN = "5798000000100"; i.note = note; i.contractReference = contract
        i.issueDate = date; i.creditNote = credit
        i.amount(amount, vat: "0")
        return i
    }

    /// An invoice for every branch of the rent-payments robot on a first month.
    static var rentMonth: [(String, ScenarioInvoice)] { [
        ("r-first", Self.rent("R1", note: "Lejer 150382-4455", contract: "L-2201-3", amount: "6250.00")),
        ("r-not-approved", Self.rent("R2", cvr: "12345658", note: "Lejer 091175-3366", contract: "L-1187-1", amount: "7100.00")),
        ("r-missing-cvr", Self.rent("R3", cvr: "11111111", note: "Lejer 091175-3366", contract: "L-1187-1", amount: "7100.00")),
        ("r-missing-cpr", Self.rent("R4", note: "Husleje", contract: "L-2201-3", amount: "6250.00")),
        ("r-missing-tenancy", Self.rent("R5", note: "Lejer 150382-4455", contract: nil, amount: "6250.00")),
        ("r-no-case", Self.rent("R6", note: "Lejer 010203-4455", contract: "L-0000-1", amount: "6250.00")),
        ("r-stopped", Self.rent("R7", note: "Lejer 270890-5577", contract: "L-3310-2", amount: "5400.00")),
        ("r-not-administered", Self.rent("R8", cvr: "12345631", note: "Lejer 111192-6688", contract: "L-4402-7", amount: "5000.00")),
        ("r-landlord-mismatch", Self.rent("R9", cvr: "12345623", note: "Lejer 091175-3366", contract: "L-1187-1", amount: "5000.00")),
        ("r-credit", Self.rent("R10", note: "Lejer 150382-4455", contract: "L-2201-3", amount: "6250.00", credit: true)),
        ("r-tenancy-in-note", Self.rent("R11", cvr: "12345631", note: "Lejer 091175-3366 lejemål L-1187-1", contract: nil, amount: "4800.00")),
        ("r-with-vat", { var i = Self.rent("R14", note: "Lejer 150382-4455", contract: "L-2201-3", amount: "6250.00"); i.amount("5000.00", vat: "25"); return i }()),
    ] }

    func testRentPayments() throws {
        let w = try RobotWorld()
        let first = try w.run(Self.rentMonth)
        assertOutcomes(first, [
            "r-first": "first-rent-invoice", "r-not-approved": "housing-company-not-approved", "r-missing-cvr": "missing-cvr",
            "r-missing-cpr": "missing-cpr", "r-missing-tenancy": "missing-tenancy", "r-no-case": "no-benefit-case", "r-stopped": "case-stopped",
            "r-not-administered": "rent-not-administered", "r-landlord-mismatch": "landlord-mismatch", "r-credit": "credit-note",
            "r-tenancy-in-note": "first-rent-invoice", "r-with-vat": "vat-on-exempt-service",
        ])
        // A clerk checks the first rent against the lease and approves it; later months then go through by themselves.
        _ = try ManualQueue(pipeline: w.pipeline).approve(try w.record("r-first").id, posting: .init(account: "5640010", dimensions: ["costcentre": "3310"]), by: "clerk")
        let later = try w.run([
            ("r-december", Self.rent("R12", note: "Lejer 150382-4455", contract: "L-2201-3", amount: "6300.00", date: "2026-12-01")),
        ])
        assertOutcomes(later, ["r-december": "booked"])
        let jump = try w.run([("r-january", Self.rent("R13", note: "Lejer 150382-4455", contract: "L-2201-3", amount: "7900.00", date: "2027-01-01"))])
        assertOutcomes(jump, ["r-january": "rent-change-too-large"])
        // The benefit payout is adjusted by the rent: a write-back with an idempotency key — for the first rent too,
        // which the clerk's approval booked by running the robot on past `first-rent-invoice`.
        let updates = try String(contentsOfFile: w.root + "/casedata/benefits/updates.jsonl", encoding: .utf8)
        XCTAssertTrue(updates.contains("deduct-rent-from-benefit") && updates.contains("\"amount\":\"6300.00\"") && updates.contains("\"amount\":\"6250.00\""), updates)
        XCTAssertEqual(updates.split(separator: "\n").count, 2)
    }

    static func plan(_ number: String, cvr: String, ean: String, amount: String, note: String? = nil, date: String = "2026-11-10", currency: String = "DKK", order: String? = nil) -> ScenarioInvoice {
        var i = ScenarioInvoice()
        i.number = number; i.sellerCVR = cvr; i.sellerName = "Leverandør"; i.buyerEAN = ean; i.note = note; i.issueDate = date; i.currency = currency; i.orderReference = order
        i.amount(amount, vat: "25")
        return i
    }

    static let demoPlans = try! String(contentsOfFile: RobotWorld.repo + "/demo/plans.csv", encoding: .utf8).split(separator: "\n").dropFirst().map(String.init)

    func testPaymentPlans() throws {
        let w = try RobotWorld()
        try w.addPlans(Self.demoPlans + ["P-ORDER,Leasing,invoice-plan,12345690,5798000000117,,,yearly,PO-7788,,,4700010,costcentre=1100,I25,2026-01-01,2027-12-31,"])
        _ = try w.run([("p-power", Self.plan("EF-1", cvr: "12345666", ean: "5798000000117", amount: "8200.00", note: "Målepunkt 571313104400123456"))])
        let got = try w.run([
            ("p-power-again", Self.plan("EF-2", cvr: "12345666", ean: "5798000000117", amount: "8100.00", note: "Målepunkt 571313104400123456", date: "2026-11-20")),
            ("p-power-too-much", Self.plan("EF-3", cvr: "12345666", ean: "5798000000117", amount: "25000.00", note: "Målepunkt 571313104400123456", date: "2026-10-05")),
            ("p-no-identifier", Self.plan("EF-4", cvr: "12345666", ean: "5798000000117", amount: "8200.00", note: "Andet målepunkt 571313104400999999")),
            ("p-phones", Self.plan("TD-1", cvr: "12345674", ean: "5798000000124", amount: "1788.00")),
            ("p-expired", Self.plan("VF-1001", cvr: "12345666", ean: "5798000000209", amount: "4000.00", date: "2026-03-01")),
            // No plan names this supplier and receiver: not a plan invoice, so the robot declines it.
            ("p-no-plan", Self.plan("RG-1", cvr: "12345682", ean: "5798000000209", amount: "3600.00")),
            ("p-order", Self.plan("LS-1", cvr: "12345690", ean: "5798000000117", amount: "12000.00", order: "PO-7788")),
            ("p-wrong-order", Self.plan("LS-2", cvr: "12345690", ean: "5798000000117", amount: "12000.00", order: "PO-0000")),
        ])
        assertOutcomes(got, [
            "p-power": "booked", "p-power-again": "second-invoice-in-period", "p-power-too-much": "amount-outside-plan",
            "p-no-identifier": "no-plan", "p-phones": "booked", "p-expired": "plan-expired", "p-no-plan": "no-robot",
            "p-order": "booked", "p-wrong-order": "no-plan",
        ])
        let journal = try FileManager.default.contentsOfDirectory(atPath: w.root + "/Outbox/journal").filter { $0.hasSuffix(".jsonl") }
            .map { try String(contentsOfFile: w.root + "/Outbox/journal/" + $0, encoding: .utf8) }.joined()
        XCTAssertTrue(journal.contains("\"account\":\"4310010\"") && journal.contains("\"activity\":\"el\""), journal)
        let due = try w.store.plansDue(within: 30, today: LocalDate(parsing: "2026-11-20")!)
        XCTAssertEqual(Set(due.map(\.id)), ["P-TELE-SKOLE", "P-VAND-PLEJE"])
    }

    func testPreControlStopsWhatARobotWouldBook() throws {
        let w = try RobotWorld(extraConfig: "")
        try w.addPlans(Self.demoPlans)
        var cfg = try String(contentsOfFile: w.root + "/bilag.yaml", encoding: .utf8)
        cfg = cfg.replacingOccurrences(of: "max_amount: 250000", with: "max_amount: 10000").replacingOccurrences(of: "stop_suppliers: []", with: "stop_suppliers: [\"12345674\"]")
        try cfg.write(toFile: w.root + "/bilag.yaml", atomically: true, encoding: .utf8)
        try w.open()
        let got = try w.run([
            ("pc-amount", Self.plan("EF-1", cvr: "12345666", ean: "5798000000117", amount: "9000.00", note: "Målepunkt 571313104400123456")),
            ("pc-supplier", Self.plan("TD-1", cvr: "12345674", ean: "5798000000124", amount: "1788.00")),
            ("pc-currency", Self.plan("EF-2", cvr: "12345666", ean: "5798000000117", amount: "2000.00", note: "Målepunkt 571313104400123456", date: "2026-09-10", currency: "EUR")),
            // Over the limit in figures, but in another currency: the limit is the local currency's, so the stop is the
            // currency's (it read "amount 11250.00 EUR exceeds the limit of 10000" — a DKK limit against euros).
            ("pc-currency-large", Self.plan("EF-3", cvr: "12345666", ean: "5798000000117", amount: "9000.00", note: "Målepunkt 571313104400123456", date: "2026-08-10", currency: "EUR")),
        ])
        assertOutcomes(got, ["pc-amount": "precontrol-amount", "pc-supplier": "precontrol-supplier", "pc-currency": "precontrol-currency", "pc-currency-large": "precontrol-currency"])
    }

    func testRandomSampleIsReproducible() throws {
        var pc = PreControl()
        pc.samplePercent = "10"
        pc.sampleSeed = "audit-2026"
        var i = ScenarioInvoice()
        i.amount("100.00")
        let inv = try DocumentParserBridge.parse(i.xml)
        let drawn = (0..<2000).filter { pc.evaluate(inv, invoiceID: "id-\($0)", today: LocalDate(parsing: "2026-11-20")!).stop != nil }
        XCTAssertEqual(drawn, (0..<2000).filter { pc.evaluate(inv, invoiceID: "id-\($0)", today: LocalDate(parsing: "2026-11-20")!).stop != nil })
        XCTAssertTrue((140...260).contains(drawn.count), "about 10 % of 2000 drawn, got \(drawn.count)")
    }
}
