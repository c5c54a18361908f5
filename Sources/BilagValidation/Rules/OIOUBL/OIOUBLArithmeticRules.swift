import BilagCore
import Foundation

/// OIOUBL 2.x arithmetic (`OIOUBL-ARITH-*`), in OIOUBL's own meaning of the totals:
///
/// - `LineExtensionAmount` = Σ line `LineExtensionAmount`;
/// - `AllowanceTotalAmount` / `ChargeTotalAmount` = Σ document-level allowances / charges;
/// - `TaxExclusiveAmount` holds the total of *all* taxes (VAT and excise duties), not BT-109;
/// - `TaxInclusiveAmount` = `LineExtensionAmount` − allowances + charges + all taxes + `PayableRoundingAmount`
///   (checked as Σ VAT taxable + Σ VAT + rounding, see OIOUBL-ARITH-05);
/// - `PayableAmount` = `TaxInclusiveAmount` − `PrepaidAmount`;
/// - each VAT `TaxSubtotal`: `TaxAmount` = `TaxableAmount` × `Percent` / 100.
///
/// The parser keeps BT-109 as EN 16931 defines it (lines − allowances + charges) and only VAT TaxSubtotals in the
/// VAT breakdown; the rules below work from those. Sums are exact and compared after rounding to cents (half up,
/// as the Schematron rounds).
enum OIOUBLArithmeticRules {
    static let p = Profiles.oioubl

    static let all: [any Rule] = [
        OIOUBLLineTotal(),
        OIOUBLAllowanceChargeTotal(charges: false),
        OIOUBLAllowanceChargeTotal(charges: true),
        OIOUBLTaxSubtotalAmount(),
        OIOUBLTaxInclusiveAmount(),
        OIOUBLPayableAmount(),
        OIOUBLVATBase(),
        Assert("OIOUBL-ARITH-07", p, at: "cac:LegalMonetaryTotal/cbc:PayableAmount", "PayableAmount shall not be negative (a negative amount is sent as a credit note).") { c in
            (c.invoice.totals.amountDueForPayment?.exact ?? 0) >= 0
        },
    ]

    /// The OIOUBL VAT categories (TaxScheme 63/VAT); other TaxSubtotals (`Excise`…) are duties.
    static let vatCategories: Set<String> = ["StandardRated", "ZeroRated", "ReverseCharge"]
}

/// OIOUBL-ARITH-01: `LegalMonetaryTotal/LineExtensionAmount` = Σ line `LineExtensionAmount`.
final class OIOUBLLineTotal: Rule {
    let id = "OIOUBL-ARITH-01"
    let severity = Severity.fatal
    let profiles = Profiles.oioubl

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        guard let stated = c.invoice.totals.sumOfInvoiceLineNetAmount else { return } // OIOUBL-MAND-14
        let expected = Arith.xround(c.lineNetSum)
        if stated.exact != expected {
            issues.add(self, "LineExtensionAmount \(stated) ≠ Σ line LineExtensionAmount \(Arith.text(expected)).", at: "cac:LegalMonetaryTotal/cbc:LineExtensionAmount")
        }
    }
}

/// OIOUBL-ARITH-02 / -03: `AllowanceTotalAmount` / `ChargeTotalAmount` = Σ document-level allowances / charges.
final class OIOUBLAllowanceChargeTotal: Rule {
    let charges: Bool
    let id: String
    let severity = Severity.fatal
    let profiles = Profiles.oioubl

    init(charges: Bool) { self.charges = charges; self.id = charges ? "OIOUBL-ARITH-03" : "OIOUBL-ARITH-02" }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        let stated = charges ? c.invoice.totals.sumOfChargesOnDocumentLevel : c.invoice.totals.sumOfAllowancesOnDocumentLevel
        let expected = Arith.xround(charges ? c.chargeSum : c.allowanceSum)
        let name = charges ? "ChargeTotalAmount" : "AllowanceTotalAmount"
        if (stated?.exact ?? 0) != expected {
            issues.add(self, "\(name) \(Arith.text(stated)) ≠ Σ document-level \(charges ? "charges" : "allowances") \(Arith.text(expected)).", at: "cac:LegalMonetaryTotal/cbc:\(name)")
        }
    }
}

/// OIOUBL-ARITH-04: in each VAT TaxSubtotal, TaxAmount = TaxableAmount × Percent / 100, within the strict ±1 the
/// EN 16931 rules also allow for rounding per line.
final class OIOUBLTaxSubtotalAmount: Rule {
    let id = "OIOUBL-ARITH-04"
    let severity = Severity.fatal
    let profiles = Profiles.oioubl

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        c.invoice.vatBreakdown.each { i, b in
            guard let code = b.categoryCode, OIOUBLArithmeticRules.vatCategories.contains(code) else { return }
            guard let taxable = b.taxableAmount, let tax = b.taxAmount else { return } // OIOUBL-MAND-16
            let expected: Exact
            if code == "ReverseCharge" {
                expected = 0 // the buyer accounts for the VAT
            } else if let rate = b.rate {
                expected = Arith.xround(taxable.exact * rate.exact.percent)
            } else {
                return
            }
            if !Arith.within(tax.exact, expected, strictly: Arith.one) {
                issues.add(self, "TaxAmount \(tax) ≠ TaxableAmount \(taxable) × \(Arith.text(b.rate))% = \(Arith.text(expected)) (\(code)).", at: Location.breakdown(i, b))
            }
        }
    }
}

/// OIOUBL-ARITH-05: `TaxInclusiveAmount` = Σ VAT `TaxableAmount` + Σ VAT `TaxAmount` + `PayableRoundingAmount`.
///
/// OIOUBL defines `TaxInclusiveAmount` = `LineExtensionAmount` − allowances + charges + all taxes (VAT and duties) +
/// rounding. Danish duties (afgifter) are part of the VAT base (momsloven § 27), so Σ VAT taxable amounts is
/// lines − allowances + charges + duties, and the form above needs no duty total — which the canonical model does not
/// keep (the VAT breakdown holds VAT only; OIOUBL's `TaxExclusiveAmount` is not kept). OIOUBL-ARITH-08 checks the
/// other half: the VAT base covers at least lines − allowances + charges.
final class OIOUBLTaxInclusiveAmount: Rule {
    let id = "OIOUBL-ARITH-05"
    let severity = Severity.fatal
    let profiles = Profiles.oioubl

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        let t = c.invoice.totals
        guard let inclusive = t.invoiceTotalAmountWithVAT, !c.invoice.vatBreakdown.isEmpty else { return } // OIOUBL-MAND-14/-15
        var taxable = Exact.zero, tax = Exact.zero
        c.invoice.vatBreakdown.each { _, b in taxable += b.taxableAmount?.exact ?? 0; tax += b.taxAmount?.exact ?? 0 }
        let expected = Arith.xround(taxable + tax + (t.roundingAmount?.exact ?? 0))
        if inclusive.exact != expected {
            issues.add(self, "TaxInclusiveAmount \(inclusive) ≠ Σ VAT TaxableAmount \(Arith.text(taxable)) + Σ VAT TaxAmount \(Arith.text(tax)) + PayableRoundingAmount \(Arith.text(t.roundingAmount)) = \(Arith.text(expected)).", at: "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount")
        }
    }
}

/// OIOUBL-ARITH-08: the VAT base (Σ VAT `TaxableAmount`) is at least `LineExtensionAmount` − allowances + charges;
/// anything above that is duties (excise, registration tax), which are part of the VAT base.
final class OIOUBLVATBase: Rule {
    let id = "OIOUBL-ARITH-08"
    let severity = Severity.fatal
    let profiles = Profiles.oioubl

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        let t = c.invoice.totals
        guard let lines = t.sumOfInvoiceLineNetAmount, !c.invoice.vatBreakdown.isEmpty else { return }
        var taxable = Exact.zero
        c.invoice.vatBreakdown.each { _, b in taxable += b.taxableAmount?.exact ?? 0 }
        let base = lines.exact - (t.sumOfAllowancesOnDocumentLevel?.exact ?? 0) + (t.sumOfChargesOnDocumentLevel?.exact ?? 0)
        // For a credit note written with negative amounts the inequality turns round.
        let ok = base >= 0 ? taxable >= base : taxable <= base
        if !ok {
            issues.add(self, "Σ VAT TaxableAmount \(Arith.text(taxable)) is less than LineExtensionAmount − allowances + charges = \(Arith.text(base)).", at: "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount")
        }
    }
}

/// OIOUBL-ARITH-06: `PayableAmount` = `TaxInclusiveAmount` − `PrepaidAmount`.
final class OIOUBLPayableAmount: Rule {
    let id = "OIOUBL-ARITH-06"
    let severity = Severity.fatal
    let profiles = Profiles.oioubl

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        let t = c.invoice.totals
        guard let payable = t.amountDueForPayment, let inclusive = t.invoiceTotalAmountWithVAT else { return } // OIOUBL-MAND-14
        let expected = Arith.xround(inclusive.exact - (t.paidAmount?.exact ?? 0))
        if payable.exact != expected {
            issues.add(self, "PayableAmount \(payable) ≠ TaxInclusiveAmount \(inclusive) − PrepaidAmount \(Arith.text(t.paidAmount)) = \(Arith.text(expected)).", at: "cac:LegalMonetaryTotal/cbc:PayableAmount")
        }
    }
}
