import BilagBench
import BilagCore
import BilagFormats
import BilagValidation
import Foundation
import XCTest

/// The benchmark's invoice generator: what it writes parses, adds up, and is the same for the same seed.
final class InvoiceGeneratorTests: XCTestCase {
    func amount(_ ore: Int64) -> Amount { InvoiceGenerator.amount(ore: ore) }

    func testGeneratedInvoicesParseAndTheirTotalsAddUp() throws {
        let generator = InvoiceGenerator(seed: 42)
        var failures: [String] = []
        for i in 0..<600 {
            let g = generator.document(index: i)
            let doc: ParsedDocument
            do { doc = try DocumentParser.parse(g.xml) } catch { failures.append("#\(i) \(g.format): does not parse: \(error)"); continue }
            let inv = doc.invoice
            func check(_ ok: Bool, _ what: @autoclosure () -> String) { if !ok { failures.append("#\(i) \(g.format) \(g.number): \(what())") } }
            check(doc.findings.isEmpty, "parser findings \(doc.findings)")
            // Valid under its own profile's rules, as the official rules judge it: a benchmark of invalid invoices measures
            // the manual queue's validation-failed path, not the one real traffic takes.
            let report = Validator().validate(doc)
            check(report.isValid, "invalid under \(report.ruleSet): \(report.issues.filter { $0.severity == .fatal }.prefix(3).map(\.ruleID))")
            check(inv.invoiceNumber == g.number, "number \(inv.invoiceNumber ?? "-")")
            check(inv.profile == (g.format == .oioublInvoice ? .oioubl : .peppolBis3), "profile \(inv.profile)")
            check(inv.documentKind == (g.format == .peppolCreditNote ? .creditNote : .invoice), "kind \(inv.documentKind)")
            check(inv.lines.count == g.lines.count && (1...15).contains(inv.lines.count), "\(inv.lines.count) lines")

            // Lines: net = quantity × price (to the øre), and they sum to BT-106.
            var lineSum = Amount.zero
            for l in inv.lines {
                guard let net = l.netAmount, let q = l.invoicedQuantity, let p = l.itemNetPrice else { check(false, "line without net, quantity or price"); continue }
                check((q * p).rounded(2) == net, "line \(l.identifier ?? "?"): \(q) × \(p) ≠ \(net)")
                check(net.scale <= 2, "line net \(net) has more than 2 decimals")
                lineSum += net
            }
            let t = inv.totals
            check(t.sumOfInvoiceLineNetAmount == lineSum, "BT-106 \(String(describing: t.sumOfInvoiceLineNetAmount)) ≠ Σ lines \(lineSum)")
            check(t.sumOfInvoiceLineNetAmount == amount(g.lineExtension), "BT-106 ≠ generated")
            let allowances = inv.allowanceCharges.filter { !$0.isCharge }.compactMap(\.amount).reduce(Amount.zero, +)
            check((t.sumOfAllowancesOnDocumentLevel ?? .zero) == allowances, "BT-107 ≠ Σ allowances")
            // BT-109 = BT-106 − BT-107 (for OIOUBL the parser derives it the same way; the document's TaxExclusiveAmount holds the VAT).
            check(t.invoiceTotalAmountWithoutVAT == lineSum - allowances, "BT-109 \(String(describing: t.invoiceTotalAmountWithoutVAT)) ≠ lines − allowances")
            // BT-110 = Σ BT-117, each BT-117 = BT-116 × rate, rounded to the øre.
            var vatSum = Amount.zero
            for b in inv.vatBreakdown {
                guard let taxable = b.taxableAmount, let tax = b.taxAmount, let rate = b.rate else { check(false, "VAT breakdown incomplete"); continue }
                check((taxable * rate / 100).rounded(2) == tax, "VAT \(b.categoryCode ?? "?"): \(taxable) × \(rate) % ≠ \(tax)")
                if b.categoryCode == "E" { check(b.exemptionReasonText != nil, "exempt breakdown without a reason") }
                if b.categoryCode == "Z" || b.categoryCode == "S" { check(b.exemptionReasonText == nil && b.exemptionReasonCode == nil, "Z/S breakdown with an exemption reason") }
                vatSum += tax
            }
            check(t.invoiceTotalVATAmount == vatSum, "BT-110 \(String(describing: t.invoiceTotalVATAmount)) ≠ Σ breakdown \(vatSum)")
            // Per category, taxable = Σ its lines (− the allowance, which is on standard-rated lines).
            for b in inv.vatBreakdown {
                let code = b.categoryCode ?? ""
                let lines = inv.lines.filter { $0.vatCategoryCode == code }.compactMap(\.netAmount).reduce(Amount.zero, +)
                let cut = code == "S" || code == "StandardRated" ? allowances : .zero
                check(b.taxableAmount == lines - cut, "taxable \(code) \(String(describing: b.taxableAmount)) ≠ lines \(lines) − \(cut)")
            }
            // BT-112 = BT-109 + BT-110; BT-115 = BT-112.
            if let without = t.invoiceTotalAmountWithoutVAT, let vat = t.invoiceTotalVATAmount {
                check(t.invoiceTotalAmountWithVAT == without + vat, "BT-112 ≠ BT-109 + BT-110")
            }
            check(t.amountDueForPayment == t.invoiceTotalAmountWithVAT, "BT-115 ≠ BT-112")
            check(t.amountDueForPayment == amount(g.payable), "BT-115 ≠ generated")
            check(g.payable > 0, "nothing to pay")

            // Parties: valid CVR and GLN endpoints.
            let cvr = inv.seller.legalRegistrationIdentifier?.value ?? ""
            check(Identifiers.isValidCVR(cvr), "seller CVR \(cvr)")
            check(Identifiers.isValidGLN(inv.seller.electronicAddress?.value ?? ""), "seller endpoint \(String(describing: inv.seller.electronicAddress))")
            check(Identifiers.isValidGLN(inv.buyer.electronicAddress?.value ?? ""), "buyer endpoint \(String(describing: inv.buyer.electronicAddress))")
            let scheme = g.format == .oioublInvoice ? "GLN" : "0088"
            check(inv.seller.electronicAddress?.scheme == scheme && inv.buyer.electronicAddress?.scheme == scheme, "endpoint schemes")
            check(inv.seller.vatIdentifier == "DK" + g.supplier.cvr, "seller VAT \(inv.seller.vatIdentifier ?? "-")")
            check(inv.issueDate == g.issueDate && inv.paymentDueDate == (g.format == .peppolCreditNote ? nil : g.dueDate), "dates")
        }
        XCTAssert(failures.isEmpty, "\(failures.count) problem(s):\n" + failures.prefix(30).joined(separator: "\n"))
    }

    func testTheSameSeedGivesTheSameBytesAndAnotherSeedOthers() {
        let a = InvoiceGenerator(seed: 7), b = InvoiceGenerator(seed: 7), c = InvoiceGenerator(seed: 8)
        for i in [0, 1, 2, 99, 12_345] {
            let x = a.invoice(index: i), y = b.invoice(index: i)
            XCTAssertEqual(x.fileName, y.fileName)
            XCTAssertEqual(x.xml, y.xml, "invoice \(i) differs between two generators of the same seed")
            XCTAssertNotEqual(x.xml, c.invoice(index: i).xml)
        }
        // Random access: invoice 5 does not depend on having made invoices 0…4.
        XCTAssertEqual(InvoiceGenerator(seed: 7).invoice(index: 5).xml, a.invoice(index: 5).xml)
    }

    func testNumbersAndFileNamesAreUnique() {
        let g = InvoiceGenerator(seed: 3)
        var numbers = Set<String>(), files = Set<String>()
        for i in 0..<20_000 {
            let d = g.document(index: i)
            XCTAssert(numbers.insert(d.number).inserted, "number \(d.number) repeats at \(i)")
            XCTAssert(files.insert(d.fileName).inserted, "file \(d.fileName) repeats at \(i)")
        }
        // Another seed never reuses a number of this one (the seed is part of it).
        for i in 0..<1000 { XCTAssertFalse(numbers.contains(InvoiceGenerator(seed: 4).document(index: i).number)) }
    }

    func testTheMixHasEveryKindAndVariety() {
        let g = InvoiceGenerator(seed: 1)
        var formats: [InvoiceFormat: Int] = [:], categories = Set<VATCategory>(), lineCounts = Set<Int>(), suppliers = Set<String>(), buyers = Set<String>()
        var allowances = 0
        for i in 0..<3000 {
            let d = g.document(index: i)
            formats[d.format, default: 0] += 1
            for l in d.lines { categories.insert(l.vat) }
            lineCounts.insert(d.lines.count)
            suppliers.insert(d.supplier.cvr)
            buyers.insert(d.buyer.ean)
            if d.allowance != nil { allowances += 1 }
        }
        XCTAssertGreaterThan(formats[.peppolInvoice] ?? 0, 1500)
        XCTAssertGreaterThan(formats[.peppolCreditNote] ?? 0, 50)
        XCTAssertGreaterThan(formats[.oioublInvoice] ?? 0, 600)
        XCTAssertEqual(categories, Set(VATCategory.allCases))
        XCTAssertEqual(lineCounts, Set(1...15))
        XCTAssertGreaterThanOrEqual(suppliers.count, 45)
        XCTAssertGreaterThanOrEqual(buyers.count, 5)
        XCTAssertGreaterThan(allowances, 200)
    }

    func testTheCastHasValidIdentifiers() {
        let suppliers = InvoiceDirectory.suppliers
        XCTAssertGreaterThanOrEqual(suppliers.count, 50)
        XCTAssertEqual(Set(suppliers.map(\.cvr)).count, suppliers.count, "CVR numbers repeat")
        XCTAssertEqual(Set(suppliers.map(\.name)).count, suppliers.count, "names repeat")
        for s in suppliers {
            XCTAssert(Identifiers.isValidCVR(s.cvr), "\(s.name): CVR \(s.cvr)")
            XCTAssert(Identifiers.isValidGLN(s.gln) && s.gln.count == 13, "\(s.name): GLN \(s.gln)")
            XCTAssert(s.iban.hasPrefix("DK") && s.iban.count == 18, "\(s.name): IBAN \(s.iban)")
        }
        for b in InvoiceDirectory.buyers {
            XCTAssert(Identifiers.isValidGLN(b.ean) && b.ean.count == 13, "\(b.name): EAN \(b.ean)")
            XCTAssert(Identifiers.isValidCVR(b.cvr), "\(b.name): CVR \(b.cvr)")
        }
        // A known IBAN (Danmarks Nationalbank's example): DK50 0040 0440 1162 43.
        XCTAssertEqual(InvoiceDirectory.danishIBAN(registration: "0040", account: "0440116243"), "DK5000400440116243")
    }

    func testASpecFixesWhatTheCallerNames() throws {
        let spec = InvoiceSpec(format: .peppolInvoice, invoiceNumber: "KILL-9-000001", issueDate: LocalDate(year: 2026, month: 11, day: 2),
                               supplierCVR: "DK12345674", buyerEAN: "5798000000124", orderReference: "ORD-77", note: "Målepunkt 571313104400123456",
                               lines: [LineSpec(name: "Mobilabonnement", quantity: 3, unitPrice: "199.95")], documentAllowance: false)
        let g = InvoiceGenerator(seed: 9).document(index: 17, spec: spec)
        XCTAssertEqual(g.fileName, "KILL-9-000001.xml")
        let inv = try DocumentParser.parse(g.xml).invoice
        XCTAssertEqual(inv.invoiceNumber, "KILL-9-000001")
        XCTAssertEqual(inv.issueDate?.description, "2026-11-02")
        XCTAssertEqual(inv.seller.legalRegistrationIdentifier?.value, "12345674")
        XCTAssertEqual(inv.buyer.electronicAddress?.value, "5798000000124")
        XCTAssertEqual(inv.buyer.tradingName, "Himmelev Skole")
        XCTAssertEqual(inv.purchaseOrderReference, "ORD-77")
        XCTAssertEqual(inv.notes.map(\.text), ["Målepunkt 571313104400123456"])
        XCTAssertEqual(inv.lines.count, 1)
        XCTAssertEqual(inv.totals.sumOfInvoiceLineNetAmount, "599.85")
        XCTAssertEqual(inv.totals.invoiceTotalVATAmount, "149.96")
        XCTAssertEqual(inv.totals.amountDueForPayment, "749.81")

        // OIOUBL with the same overrides.
        var o = spec
        o.format = .oioublInvoice
        o.invoiceNumber = "OIO-1"
        let oinv = try DocumentParser.parse(InvoiceGenerator(seed: 9).document(index: 17, spec: o).xml).invoice
        XCTAssertEqual(oinv.profile, .oioubl)
        XCTAssertEqual(oinv.purchaseOrderReference, "ORD-77")
        XCTAssertEqual(oinv.buyer.electronicAddress?.scheme, "GLN")
        XCTAssertEqual(oinv.totals.amountDueForPayment, "749.81")
        // No order reference asked for: BIS 3 leaves it out.
        let none = try DocumentParser.parse(InvoiceGenerator(seed: 9).invoice(index: 3, spec: InvoiceSpec(format: .peppolInvoice, orderReference: "")).xml).invoice
        XCTAssertNil(none.purchaseOrderReference)
        XCTAssertNotNil(none.buyerReference)
    }

    func testWriteFillsAFolderWithWholeFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bilag-gen-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (files, bytes) = try InvoiceGenerator(seed: 5).write(count: 25, to: folder, startingAt: 100)
        let listed = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        XCTAssertEqual(listed, files.sorted())
        XCTAssertEqual(listed.count, 25)
        var total: Int64 = 0
        for (i, name) in files.enumerated() {
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
            XCTAssertEqual(data, InvoiceGenerator(seed: 5).invoice(index: 100 + i).xml)
            total += Int64(data.count)
        }
        XCTAssertEqual(total, bytes)
    }
}
