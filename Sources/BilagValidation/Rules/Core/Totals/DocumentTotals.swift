import BilagCore
import Foundation

/// BR-CO-10: Sum of Invoice line net amount (BT-106) = Σ Invoice line net amount (BT-131), the sum rounded to cents.
final class LineTotal: Rule {
    let id = "BR-CO-10"
    let severity = Severity.fatal
    let profiles = Profiles.en16931

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        guard c.hasTotals else { return } // stated inside the totals (BILAG-TOTALS reports their absence)
        let expected = Arith.xround(c.lineNetSum)
        guard let bt106 = c.invoice.totals.sumOfInvoiceLineNetAmount else {
            issues.add(self, "Sum of Invoice line net amount (BT-106) is missing; the lines sum to \(Arith.text(expected)).", at: "BT-106")
            return
        }
        if bt106.exact != expected {
            issues.add(self, "Sum of Invoice line net amount (BT-106) \(bt106) ≠ Σ Invoice line net amount (BT-131) \(Arith.text(expected)).", at: "BT-106")
        }
    }
}

/// BR-CO-11: Sum of allowances on document level (BT-107) = Σ Document level allowance amount (BT-92).
/// BR-CO-12: Sum of charges on document level (BT-108) = Σ Document level charge amount (BT-99).
final class AllowanceChargeTotal: Rule {
    let charges: Bool
    let id: String
    let severity = Severity.fatal
    let profiles = Profiles.en16931

    init(charges: Bool) { self.charges = charges; self.id = charges ? "BR-CO-12" : "BR-CO-11" }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        guard c.hasTotals else { return } // stated inside the totals (BILAG-TOTALS reports their absence)
        let stated = charges ? c.invoice.totals.sumOfChargesOnDocumentLevel : c.invoice.totals.sumOfAllowancesOnDocumentLevel
        let any = charges ? c.hasCharges : c.hasAllowances
        let expected = Arith.xround(charges ? c.chargeSum : c.allowanceSum)
        let bt = charges ? "BT-108" : "BT-107"
        let each = charges ? "Document level charge amount (BT-99)" : "Document level allowance amount (BT-92)"
        guard let stated else {
            if any { issues.add(self, "Sum of \(charges ? "charges" : "allowances") on document level (\(bt)) is missing; Σ \(each) is \(Arith.text(expected)).", at: bt) }
            return
        }
        // CII compares the untyped total with the sum as xs:double, and Saxon holds a written `-0.00` unequal to 0.
        let negativeZero = c.invoice.syntax == .cii && c.lexical.negativeZeroAmounts.contains { $0.hasSuffix(charges ? "ChargeTotalAmount" : "AllowanceTotalAmount") }
        if stated.exact != expected || negativeZero {
            issues.add(self, "Sum of \(charges ? "charges" : "allowances") on document level (\(bt)) \(stated) ≠ Σ \(each) \(Arith.text(expected)).", at: bt)
        }
    }
}

/// BR-CO-13: Invoice total amount without VAT (BT-109) = BT-106 − BT-107 + BT-108, rounded to cents.
final class TotalWithoutVAT: Rule {
    let id = "BR-CO-13"
    let severity = Severity.fatal
    let profiles = Profiles.en16931

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        guard c.hasTotals else { return } // stated inside the totals (BILAG-TOTALS reports their absence)
        let t = c.invoice.totals
        guard let bt109 = t.invoiceTotalAmountWithoutVAT, let bt106 = t.sumOfInvoiceLineNetAmount else {
            issues.add(self, "Invoice total amount without VAT (BT-109) = Σ Invoice line net amount (BT-106) − allowances (BT-107) + charges (BT-108) cannot hold: \(t.invoiceTotalAmountWithoutVAT == nil ? "BT-109" : "BT-106") is missing.", at: "BT-109")
            return
        }
        var sum = bt106.exact
        if let a = t.sumOfAllowancesOnDocumentLevel { sum -= a.exact }
        if let ch = t.sumOfChargesOnDocumentLevel { sum += ch.exact }
        // With neither allowances nor charges the UBL rule compares BT-109 and BT-106 exactly, without rounding.
        let unrounded = c.invoice.syntax == .ubl && t.sumOfAllowancesOnDocumentLevel == nil && t.sumOfChargesOnDocumentLevel == nil
        let expected = unrounded ? sum : Arith.xround(sum)
        if bt109.exact != expected {
            issues.add(self, "Invoice total amount without VAT (BT-109) \(bt109) ≠ Σ Invoice line net amount (BT-106) − allowances (BT-107) + charges (BT-108) = \(Arith.text(expected)).", at: "BT-109")
        }
    }
}

/// BR-CO-14: Invoice total VAT amount (BT-110) = Σ VAT category tax amount (BT-117), rounded to cents.
final class TotalVAT: Rule {
    let id = "BR-CO-14"
    let severity = Severity.fatal
    let profiles = Profiles.en16931

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        let breakdown = c.invoice.vatBreakdown
        var sum = Exact.zero
        for b in breakdown { if let t = b.taxAmount { sum += t.exact } }
        let expected = Arith.xround(sum)
        guard let bt110 = c.invoice.totals.invoiceTotalVATAmount else {
            // UBL: a TaxTotal with subtotals but no TaxAmount; CII: the rule's context is the TaxTotalAmount itself.
            if !breakdown.isEmpty && c.invoice.syntax == .ubl {
                issues.add(self, "Invoice total VAT amount (BT-110) is missing; Σ VAT category tax amount (BT-117) is \(Arith.text(expected)).", at: "BT-110")
            }
            return
        }
        // UBL states the rule only for a TaxTotal that has subtotals.
        if breakdown.isEmpty && c.invoice.syntax == .ubl { return }
        if bt110.exact != expected {
            issues.add(self, "Invoice total VAT amount (BT-110) \(bt110) ≠ Σ VAT category tax amount (BT-117) \(Arith.text(expected)).", at: "BT-110")
        }
    }
}

/// BR-CO-15: Invoice total amount with VAT (BT-112) = BT-109 + BT-110, rounded to cents.
final class TotalWithVAT: Rule {
    let id = "BR-CO-15"
    let severity = Severity.fatal
    let profiles = Profiles.en16931

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        // The rule is stated "for every document currency code": without BT-5 there is nothing to check.
        guard c.invoice.documentCurrencyCode != nil else { return }
        let t = c.invoice.totals
        if c.invoice.syntax == .cii, let bt112 = t.invoiceTotalAmountWithVAT, let bt109 = t.invoiceTotalAmountWithoutVAT, bt112.exact == bt109.exact {
            return // CII also accepts BT-112 = BT-109
        }
        // Exactly one VAT total whose currencyID is the document currency code as written (a parsed document).
        if !c.lexical.root.isEmpty, c.lexical.taxTotalsInDocumentCurrency != 1 {
            issues.add(self, "The document has \(c.lexical.taxTotalsInDocumentCurrency) Invoice total VAT amounts (BT-110) whose currencyID is the invoice currency code (BT-5) as written; exactly one is required.", at: "BT-110")
            return
        }
        guard let bt112 = t.invoiceTotalAmountWithVAT, let bt109 = t.invoiceTotalAmountWithoutVAT, let bt110 = t.invoiceTotalVATAmount else {
            issues.add(self, "Invoice total amount with VAT (BT-112) = Invoice total amount without VAT (BT-109) + Invoice total VAT amount (BT-110) cannot hold: \(t.invoiceTotalAmountWithVAT == nil ? "BT-112" : t.invoiceTotalAmountWithoutVAT == nil ? "BT-109" : "BT-110") is missing.", at: "BT-112")
            return
        }
        let expected = Arith.xround(bt109.exact + bt110.exact)
        if bt112.exact != expected {
            issues.add(self, "Invoice total amount with VAT (BT-112) \(bt112) ≠ Invoice total amount without VAT (BT-109) + Invoice total VAT amount (BT-110) = \(Arith.text(expected)).", at: "BT-112")
        }
    }
}

/// BR-CO-16: Amount due for payment (BT-115) = BT-112 − Paid amount (BT-113) + Rounding amount (BT-114).
final class AmountDue: Rule {
    let id = "BR-CO-16"
    let severity = Severity.fatal
    let profiles = Profiles.en16931

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        guard c.hasTotals else { return } // stated inside the totals (BILAG-TOTALS reports their absence)
        let t = c.invoice.totals
        guard let due = t.amountDueForPayment, let bt112 = t.invoiceTotalAmountWithVAT else {
            issues.add(self, "Amount due for payment (BT-115) = Invoice total amount with VAT (BT-112) − Paid amount (BT-113) + Rounding amount (BT-114) cannot hold: \(t.amountDueForPayment == nil ? "BT-115" : "BT-112") is missing.", at: "BT-115")
            return
        }
        let ok: Bool
        let expected: Exact
        if c.invoice.syntax == .cii {
            // CII: BT-115 = BT-112 − BT-113 + BT-114 exactly.
            expected = bt112.exact - (t.paidAmount?.exact ?? 0) + (t.roundingAmount?.exact ?? 0)
            ok = due.exact == expected
        } else {
            switch (t.paidAmount, t.roundingAmount) {
            case (let paid?, nil):
                expected = Arith.xround(bt112.exact - paid.exact); ok = due.exact == expected
            case (nil, nil):
                expected = bt112.exact; ok = due.exact == expected
            case (let paid?, let rounding?):
                expected = Arith.xround(bt112.exact - paid.exact) + rounding.exact
                ok = Arith.xround(due.exact - rounding.exact) == Arith.xround(bt112.exact - paid.exact)
            case (nil, let rounding?):
                expected = bt112.exact + rounding.exact
                ok = Arith.xround(due.exact - rounding.exact) == bt112.exact
            }
        }
        if !ok {
            issues.add(self, "Amount due for payment (BT-115) \(due) ≠ Invoice total amount with VAT (BT-112) − Paid amount (BT-113) + Rounding amount (BT-114) = \(Arith.text(expected)).", at: "BT-115")
        }
    }
}
