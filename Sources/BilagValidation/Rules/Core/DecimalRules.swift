import BilagCore

/// BR-DEC-*: money amounts carry at most two decimals, counted as written (`100.000` has three).
enum DecimalRules {
    static let p = Profiles.en16931

    @inline(__always)
    static func ok(_ a: Amount?) -> Bool { (a?.scale ?? 0) <= 2 }

    /// The CII breakdown rules (BR-DEC-19/20) are in the generic `ApplicableTradeTax` context, which a breakdown of
    /// category O, L or M never reaches: the category's own rule context matches it first (XSLT template priority).
    static let categoriesWithOwnContext: Set<String> = ["O", "L", "M"]
    static func unstatedInCII(_ b: Borrowed<VATBreakdown>, _ c: ValidationContext) -> Bool {
        c.invoice.syntax == .cii && categoriesWithOwnContext.contains(b.categoryCode ?? "")
    }

    static let all: [any Rule] = [
        EachAllowanceCharge("BR-DEC-01", p, .allowances, "The allowed maximum number of decimals for the Document level allowance amount (BT-92) is 2.") { ac, _ in ok(ac.amount) },
        EachAllowanceCharge("BR-DEC-02", p, .allowances, "The allowed maximum number of decimals for the Document level allowance base amount (BT-93) is 2.") { ac, _ in ok(ac.baseAmount) },
        EachAllowanceCharge("BR-DEC-05", p, .charges, "The allowed maximum number of decimals for the Document level charge amount (BT-99) is 2.") { ac, _ in ok(ac.amount) },
        EachAllowanceCharge("BR-DEC-06", p, .charges, "The allowed maximum number of decimals for the Document level charge base amount (BT-100) is 2.") { ac, _ in ok(ac.baseAmount) },
        TotalDecimals("BR-DEC-09", "BT-106", "Sum of Invoice line net amount") { $0.sumOfInvoiceLineNetAmount },
        TotalDecimals("BR-DEC-10", "BT-107", "Sum of allowances on document level") { $0.sumOfAllowancesOnDocumentLevel },
        TotalDecimals("BR-DEC-11", "BT-108", "Sum of charges on document level") { $0.sumOfChargesOnDocumentLevel },
        TotalDecimals("BR-DEC-12", "BT-109", "Invoice total amount without VAT") { $0.invoiceTotalAmountWithoutVAT },
        TotalDecimals("BR-DEC-13", "BT-110", "Invoice total VAT amount", byValueInCII: true) { $0.invoiceTotalVATAmount },
        TotalDecimals("BR-DEC-14", "BT-112", "Invoice total amount with VAT") { $0.invoiceTotalAmountWithVAT },
        TotalDecimals("BR-DEC-15", "BT-111", "Invoice total VAT amount in accounting currency", byValueInCII: true) { $0.invoiceTotalVATAmountInAccountingCurrency },
        TotalDecimals("BR-DEC-16", "BT-113", "Paid amount") { $0.paidAmount },
        TotalDecimals("BR-DEC-17", "BT-114", "Rounding amount") { $0.roundingAmount },
        TotalDecimals("BR-DEC-18", "BT-115", "Amount due for payment") { $0.amountDueForPayment },
        EachBreakdown("BR-DEC-19", p, "The allowed maximum number of decimals for the VAT category taxable amount (BT-116) is 2.") { b, c in
            ok(b.taxableAmount) || unstatedInCII(b, c)
        },
        EachBreakdown("BR-DEC-20", p, "The allowed maximum number of decimals for the VAT category tax amount (BT-117) is 2.") { b, c in
            ok(b.taxAmount) || unstatedInCII(b, c)
        },
        EachLine("BR-DEC-23", p, "The allowed maximum number of decimals for the Invoice line net amount (BT-131) is 2.") { l, _ in ok(l.netAmount) },
        EachLineAllowanceCharge("BR-DEC-24", p, .allowances, "The allowed maximum number of decimals for the Invoice line allowance amount (BT-136) is 2.") { ac, _ in ok(ac.amount) },
        EachLineAllowanceCharge("BR-DEC-25", p, .allowances, "The allowed maximum number of decimals for the Invoice line allowance base amount (BT-137) is 2.") { ac, _ in ok(ac.baseAmount) },
        EachLineAllowanceCharge("BR-DEC-27", p, .charges, "The allowed maximum number of decimals for the Invoice line charge amount (BT-141) is 2.") { ac, _ in ok(ac.amount) },
        EachLineAllowanceCharge("BR-DEC-28", p, .charges, "The allowed maximum number of decimals for the Invoice line charge base amount (BT-142) is 2.") { ac, _ in ok(ac.baseAmount) },
    ]
}

/// A BR-DEC rule on one document total (BG-22). The CII binding states BR-DEC-13 and BR-DEC-15 on the value, not
/// on the digits written (`. = round(. * 100) div 100`): `12.3400` and ` 12.34 ` pass there, `12.345` fails.
final class TotalDecimals: Rule {
    let id: String
    let severity = Severity.fatal
    let profiles = Profiles.en16931
    let bt: String
    let name: String
    let amount: @Sendable (DocumentTotals) -> Amount?

    let byValueInCII: Bool

    init(_ id: String, _ bt: String, _ name: String, byValueInCII: Bool = false, _ amount: @escaping @Sendable (DocumentTotals) -> Amount?) {
        self.id = id; self.bt = bt; self.name = name; self.byValueInCII = byValueInCII; self.amount = amount
    }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        if let a = amount(c.invoice.totals), a.scale > 2 {
            if byValueInCII, c.invoice.syntax == .cii, Arith.xround(a.exact) == a.exact { return }
            issues.add(self, "The allowed maximum number of decimals for the \(name) (\(bt)) is 2; found \(a).", at: bt)
        }
    }
}
