import BilagBench
import BilagCore
import BilagEngine
import BilagOutbox
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// Vouchers: one per booked invoice, balanced to the cent, totals as the invoice says, credit notes reversed.
final class VoucherTests: XCTestCase {
    /// An invoice made the way EN 16931 computes its totals: line nets rounded to the cent, allowances and charges per
    /// VAT rate, VAT per rate rounded, sometimes a prepaid amount and a rounding to whole units; a credit note now and
    /// then. Its posting is what a robot or plan gives: one per VAT rate, or one for the whole.
    struct Generated {
        var invoice: Invoice
        var booking: Booking
    }

    static func cents(_ d: Decimal) -> Amount { Amount(d).rounded(2) }

    static func generate(_ rng: inout SplitMix64) -> Generated {
        var invoice = Invoice(syntax: .ubl, documentKind: rng.int(0...9) < 3 ? .creditNote : .invoice, profile: .peppolBis3)
        invoice.invoiceNumber = "G-\(rng.int(1...99999))"
        invoice.documentCurrencyCode = CurrencyCode(["DKK", "NOK", "EUR", "SEK"][rng.int(0...3)])
        let rates = Array([25, 12, 15, 6, 0].shuffled(using: &rng).prefix(rng.int(1...3)))
        var taxable: [Int: Amount] = [:]
        for _ in 0..<rng.int(1...6) {
            let rate = rates[rng.int(0...(rates.count - 1))]
            let quantity = Decimal(rng.int(1...2000)) / 100
            let price = Decimal(rng.int(1...500_000)) / 10_000
            taxable[rate, default: .zero] += cents(quantity * price)
        }
        // Allowances and charges on the document, each under a rate the lines have.
        for _ in 0..<rng.int(0...3) {
            let rate = rates[rng.int(0...(rates.count - 1))]
            let amount = cents(Decimal(rng.int(1...5000)) / 100)
            let charge = rng.int(0...1) == 1
            if !charge, (taxable[rate] ?? .zero) < amount { continue }
            taxable[rate, default: .zero] += charge ? amount : -amount
            var ac = AllowanceCharge(isCharge: charge)
            ac.amount = amount
            ac.vatRate = Amount(rate)
            invoice.allowanceCharges.append(ac)
        }
        var net = Amount.zero, vat = Amount.zero
        var postings: [Posting] = []
        let kind = invoice.documentKind
        for rate in rates.sorted() {
            let base = taxable[rate] ?? .zero
            let tax = cents(base.value * Decimal(rate) / 100)
            var part = VATBreakdown()
            part.categoryCode = rate == 0 ? "Z" : "S"
            part.rate = Amount(rate)
            part.taxableAmount = base
            part.taxAmount = tax
            invoice.vatBreakdown.append(part)
            net += base; vat += tax
            postings.append(Posting(account: "44\(rate)0", dimensions: ["costcentre": "4711"], netAmount: kind.signed(base), vatAmount: kind.signed(tax), vatCode: "I\(rate)"))
        }
        let withVAT = net + vat
        var totals = DocumentTotals()
        totals.invoiceTotalAmountWithoutVAT = net
        totals.invoiceTotalVATAmount = vat
        totals.invoiceTotalAmountWithVAT = withVAT
        var due = withVAT
        if rng.int(0...4) == 0 {
            let paid = cents(withVAT.value * Decimal(rng.int(0...50)) / 100)
            totals.paidAmount = paid
            due = due - paid
        }
        if rng.int(0...2) == 0 {
            let rounding = Amount(due.value).rounded(0) - due
            totals.roundingAmount = rounding.rounded(2)
            due = due + rounding
        }
        totals.amountDueForPayment = due.rounded(2)
        invoice.totals = totals
        // Half the bookings post the whole invoice on one line, as a plan does.
        if rng.int(0...1) == 0 {
            postings = [Posting(account: "4400", dimensions: ["costcentre": "4711"], netAmount: kind.signed(net), vatAmount: kind.signed(vat), vatCode: postings.first?.vatCode)]
        }
        return Generated(invoice: invoice, booking: Booking(postings: postings))
    }

    func testEveryGeneratedInvoiceMakesABalancedVoucherWhoseTotalsAreTheInvoices() throws {
        var rng = SplitMix64(seed: 19)
        var creditNotes = 0, withRounding = 0, withPrepaid = 0, rates = Set<String>()
        for i in 0..<1000 {
            let g = Self.generate(&rng)
            let booked = BookedInvoice(id: "inv-\(i)", sha256: "x", summary: InvoiceSummary(invoice: g.invoice), booking: g.booking, bookedBy: "robot:test@1", robot: nil, invoice: g.invoice)
            let v = Voucher(OutboxEntry(seq: Int64(i + 1), booked: booked))
            let kind = g.invoice.documentKind
            let t = g.invoice.totals
            let context = "invoice \(i): \(g.invoice.totals) \(v.lines)"
            XCTAssertEqual(v.debitTotal, v.creditTotal, context)
            XCTAssertEqual(v.lines.reduce(Amount.zero) { $0 + $1.amount }, .zero, context)
            XCTAssertTrue(v.lines.allSatisfy { $0.amount == $0.amount.rounded(2) }, "a line finer than the cent: \(context)")
            XCTAssertEqual(v.total(.expense), kind.signed(t.invoiceTotalAmountWithoutVAT!), context)
            XCTAssertEqual(v.total(.vat), kind.signed(t.invoiceTotalVATAmount!), context)
            XCTAssertEqual(v.total(.payable), -kind.signed(t.amountDueForPayment!), context)
            XCTAssertEqual(v.total(.prepaid), -kind.signed(t.paidAmount ?? .zero), context)
            XCTAssertEqual(v.total(.rounding), kind.signed(t.roundingAmount ?? .zero), context)
            XCTAssertEqual(v.unexplained, .zero, context)
            if kind == .creditNote {
                creditNotes += 1
                XCTAssertGreaterThanOrEqual(v.total(.payable), .zero, "a credit note debits the supplier: \(context)")
                XCTAssertLessThanOrEqual(v.total(.expense), .zero, "a credit note credits the expense: \(context)")
            }
            if !(t.roundingAmount ?? .zero).value.isZero { withRounding += 1 }
            if !(t.paidAmount ?? .zero).value.isZero { withPrepaid += 1 }
            for part in g.invoice.vatBreakdown { rates.insert(part.rate!.description) }
        }
        XCTAssertGreaterThan(creditNotes, 200)
        XCTAssertGreaterThan(withRounding, 100)
        XCTAssertGreaterThan(withPrepaid, 50)
        XCTAssertEqual(rates.count, 5)
    }

    /// Postings that do not add up to the invoice (an operator's typing) still make a balanced voucher: the
    /// difference goes to the rounding account and is reported, never dropped.
    func testAPostingThatMissesTheInvoiceStillBalancesAndSaysByHowMuch() {
        var booked = BookedInvoice(invoiceID: "x", bookedAt: "", bookedBy: "operator:alice", currency: "DKK", amountDue: Amount(parsing: "125.00"),
                                   postings: [Posting(account: "5250", netAmount: Amount(parsing: "99.99")!, vatAmount: Amount(parsing: "25.00")!, vatCode: "I25")])
        booked.details = nil
        let v = Voucher(OutboxEntry(seq: 1, booked: booked))
        XCTAssertEqual(v.debitTotal, v.creditTotal)
        XCTAssertEqual(v.unexplained, Amount(parsing: "0.01"))
        XCTAssertEqual(v.lines.map(\.role), [.expense, .vat, .payable, .rounding])
    }

    /// An operator's approval books with the invoice's details (parsed again from the kept original): the journal
    /// line carries the VAT breakdown, payment means and supplier ids a voucher needs.
    func testAnApprovedInvoicesBookingCarriesWhatItsVoucherNeeds() throws {
        let root = try TemporaryRoot()
        let id = try XCTUnwrap(try root.queuedInvoices(1, prefix: "V", config: "intake:\n  readiness: rename\n").first)
        try root.bilagSucceeding(TemporaryRoot.approval(id, extra: ["--vat-code", "I25"]))
        let file = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: root.journalDirectory).first { $0.hasSuffix(".jsonl") })
        let data = try XCTUnwrap(FileIO.read(root.journalDirectory + "/" + file))
        let line = try JSONDecoder().decode(JournalLine.self, from: data.split(separator: 0x0A)[0])
        let details = try XCTUnwrap(line.details, "the booking has no details")
        XCTAssertFalse(details.vatBreakdown.isEmpty)
        XCTAssertNotNil(details.payment?.account)
        let v = Voucher(OutboxEntry(seq: line.seq, booked: line.booked))
        XCTAssertEqual(v.debitTotal, v.creditTotal)
        XCTAssertEqual(v.unexplained, .zero, "\(v.lines)")
    }
}
