import BilagCore
import Foundation

/// The OIOUBL 2.1 totals rules as the official OIOUBL Schematron (release 1.12.2) states them on
/// `cac:LegalMonetaryTotal`, with its ids: `F-INV*` for an `Invoice`, `F-CRN*` for a `CreditNote`, `F-LIB*` for both.
///
/// In OIOUBL's meaning of the totals, `TaxExclusiveAmount` is the total of every tax (VAT and excise duties) and
/// `TaxInclusiveAmount` = `LineExtensionAmount` + Σ tax + charges − allowances + rounding. The sums of every
/// `TaxSubtotal` (duties included) and of the lines that are not free of charge come from the document as written
/// (`LexicalFacts.oioubl`); for an invoice built in code, from the canonical model. Compared after rounding to cents,
/// as `format-number(…, '##.00')` does.
enum OIOUBLArithmeticRules {
    static let p = Profiles.oioubl

    /// The totals the rules read, as `sum(…)` reads them: an absent element counts 0.
    struct Sums: Sendable {
        let lines: Exact, tax: Exact, charges: Exact, allowances: Exact, prepaid: Exact, rounding: Exact
        let lineTotalStated: Exact

        init(_ c: ValidationContext) {
            let t = c.invoice.totals
            lineTotalStated = t.sumOfInvoiceLineNetAmount?.exact ?? 0
            if let o = c.lexical.oioubl {
                tax = o.taxSubtotalSum.exact
                lines = c.isUBLCreditNoteRoot ? c.lineNetSum : o.chargeableLineSum.exact
            } else {
                var sum = Exact.zero
                c.invoice.vatBreakdown.each { _, b in sum += b.taxAmount?.exact ?? 0 }
                tax = sum
                lines = c.lineNetSum
            }
            charges = t.sumOfChargesOnDocumentLevel?.exact ?? 0
            allowances = t.sumOfAllowancesOnDocumentLevel?.exact ?? 0
            prepaid = t.paidAmount?.exact ?? 0
            rounding = t.roundingAmount?.exact ?? 0
        }

        /// `TaxInclusiveAmount` as OIOUBL computes it.
        var inclusive: Exact { lineTotalStated + tax + charges - allowances + rounding }
    }

    static func cents(_ x: Exact) -> Exact { Arith.xround(x) }

    static let totals: [[any Rule]] = [
        pair("F-INV126", "F-CRN072", "The sum of the lines' LineExtensionAmount must equal LegalMonetaryTotal/LineExtensionAmount (to within 0.0055).") { c, s in
            guard c.invoice.totals.sumOfInvoiceLineNetAmount != nil else { return true }
            let d = s.lineTotalStated - s.lines
            return !(d > Exact(units: 55, scale: 4)) && !(d < Exact(units: -55, scale: 4))
        },
        pair("F-INV127", "F-CRN073", "The sum of TaxTotal/TaxSubtotal/TaxAmount elements must equal TaxExclusiveAmount.") { c, s in
            if let doc = c.writtenRoot { return OIOUBLWrittenTotalsRules.taxExclusiveHolds(doc) }
            guard let written = c.lexical.oioubl?.taxExclusiveAmount else { return true }
            return cents(written.exact) == cents(s.tax)
        },
        pair("F-INV128", "F-CRN074", "TaxInclusiveAmount is calculated incorrectly (LineExtensionAmount + Σ TaxSubtotal/TaxAmount + ChargeTotalAmount − AllowanceTotalAmount + PayableRoundingAmount).") { c, s in
            if let doc = c.writtenRoot { return OIOUBLWrittenTotalsRules.taxInclusiveHolds(doc) }
            guard let inclusive = c.invoice.totals.invoiceTotalAmountWithVAT else { return true }
            return cents(inclusive.exact) == cents(s.inclusive)
        },
        pair("F-INV129", "F-CRN075", "The sum of AllowanceCharge/Amount elements (with ChargeIndicator='false') must equal AllowanceTotalAmount.") { c, _ in
            if let doc = c.writtenRoot { return OIOUBLWrittenTotalsRules.allowanceTotalHolds(doc, charge: false) }
            guard let stated = c.invoice.totals.sumOfAllowancesOnDocumentLevel else { return true }
            return cents(stated.exact) == cents(c.allowanceSum)
        },
        pair("F-INV130", "F-CRN076", "The sum of AllowanceCharge/Amount elements (with ChargeIndicator='true') must equal ChargeTotalAmount.") { c, _ in
            if let doc = c.writtenRoot { return OIOUBLWrittenTotalsRules.allowanceTotalHolds(doc, charge: true) }
            guard let stated = c.invoice.totals.sumOfChargesOnDocumentLevel else { return true }
            return cents(stated.exact) == cents(c.chargeSum)
        },
        pair("F-INV133", "F-CRN079", "PayableAmount is calculated incorrectly (LineExtensionAmount + Σ TaxSubtotal/TaxAmount + ChargeTotalAmount − AllowanceTotalAmount − PrepaidAmount + PayableRoundingAmount).") { c, s in
            if let doc = c.writtenRoot { return OIOUBLWrittenTotalsRules.payableHolds(doc) }
            return cents(c.invoice.totals.amountDueForPayment?.exact ?? 0) == cents(s.inclusive - s.prepaid)
        },
        pair("F-INV338", "F-CRN208", "The LegalMonetaryTotal/PayableRoundingAmount must NOT be less than -10.00 or greater than 10.00.") { c, s in
            c.invoice.totals.roundingAmount == nil || (s.rounding >= Exact(-10) && s.rounding <= Exact(10))
        },
    ]

    static let all: [any Rule] = totals.flatMap { $0 } + [
        // Code lists on the values as written (the fact keeps the code where a finding keeps its rule id).
        LexicalFindings(id: "F-LIB301", p, "Invalid Country/IdentificationCode.") { f in
            unlisted(f.oioubl?.countryCodes, OIOUBLCodeLists.countryCodes, OIOUBLCodeLists.countrySet, "F-LIB301")
        },
        LexicalFindings(id: "F-LIB318", p, "Invalid unitCode.") { f in unlisted(f.oioubl?.unitCodes, OIOUBLCodeLists.unitCodes, OIOUBLCodeLists.unitSet, "F-LIB318") },
        // F-LIB014: exactly two decimals as written (F-LIB250/F-LIB261 are stated on the tree, OIOUBLTaxRules) (`string-length(substring-after(., '.')) != 2`).
        // For a parsed document F-LIB016 is stated on the amounts as written (OIOUBLWrittenTotalsRules).
        Assert("F-LIB016", p, at: "cac:LegalMonetaryTotal/cbc:PayableAmount", "Invalid PayableAmount. Must not be negative.") { c in
            c.writtenRoot != nil || (c.invoice.totals.amountDueForPayment?.exact ?? 0) >= 0
        },
        LexicalFindings(id: "F-LIB014", p, "Must have 2 decimals (LegalMonetaryTotal amounts, PrepaidPayment/PaidAmount).") { $0.oioubl?.notTwoDecimals ?? [] },
    ]

    /// The values not in `list`, as findings of `rule`.
    static func unlisted(_ values: [LexicalFacts.Finding]?, _ list: String, _ set: Set<String>, _ rule: String) -> [LexicalFacts.Finding] {
        (values ?? []).filter { !OIOUBLCodeLists.listed($0.rule, in: list, set: set) }.map { LexicalFacts.Finding(path: $0.path, rule: rule) }
    }

    /// One rule per document kind: the official ids differ for `Invoice` and `CreditNote`.
    static func pair(_ invoiceID: String, _ creditNoteID: String, _ message: String,
                     _ holds: @escaping @Sendable (ValidationContext, Sums) -> Bool) -> [any Rule] {
        [OIOUBLTotal(id: invoiceID, creditNote: false, message, holds), OIOUBLTotal(id: creditNoteID, creditNote: true, message, holds)]
    }
}

/// An OIOUBL totals rule for one root (`Invoice` or `CreditNote`).
final class OIOUBLTotal: Rule {
    let id: String
    let severity = Severity.fatal
    let profiles = Profiles.oioubl
    let creditNote: Bool
    let message: String
    let holds: @Sendable (ValidationContext, OIOUBLArithmeticRules.Sums) -> Bool

    init(id: String, creditNote: Bool, _ message: String, _ holds: @escaping @Sendable (ValidationContext, OIOUBLArithmeticRules.Sums) -> Bool) {
        self.id = id; self.creditNote = creditNote; self.message = message; self.holds = holds
    }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        guard c.isUBLCreditNoteRoot == creditNote else { return }
        // Stated on `cac:LegalMonetaryTotal`: a document written without one has nothing these rules are stated on.
        if let doc = c.writtenRoot, OIOUBLPlaces.totals(doc).isEmpty { return }
        if !holds(c, c.oioublSums ?? OIOUBLArithmeticRules.Sums(c)) { issues.add(self, message, at: "cac:LegalMonetaryTotal") }
    }
}


