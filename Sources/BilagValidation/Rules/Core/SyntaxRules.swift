import BilagCore

/// UBL-DT-01: in UBL, amounts have at most two decimals — every `…Amount` except prices (`PriceAmount`) and the
/// price discount and gross price inside `cac:Price/cac:AllowanceCharge`.
final class UBLAmountDecimals: Rule {
    let id = "UBL-DT-01"
    let severity = Severity.fatal
    let profiles = Profiles.en16931

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        guard c.invoice.syntax == .ubl else { return }
        var bad: String?
        func look(_ a: Amount?, _ bt: String) { if bad == nil, let a, a.scale > 2 { bad = "\(bt) \(a)" } }
        let t = c.invoice.totals
        look(t.sumOfInvoiceLineNetAmount, "BT-106"); look(t.sumOfAllowancesOnDocumentLevel, "BT-107"); look(t.sumOfChargesOnDocumentLevel, "BT-108")
        look(t.invoiceTotalAmountWithoutVAT, "BT-109"); look(t.invoiceTotalVATAmount, "BT-110"); look(t.invoiceTotalVATAmountInAccountingCurrency, "BT-111")
        look(t.invoiceTotalAmountWithVAT, "BT-112"); look(t.paidAmount, "BT-113"); look(t.roundingAmount, "BT-114"); look(t.amountDueForPayment, "BT-115")
        c.invoice.vatBreakdown.each { _, b in look(b.taxableAmount, "BT-116"); look(b.taxAmount, "BT-117") }
        c.invoice.allowanceCharges.each { _, ac in look(ac.amount, ac.isCharge ? "BT-99" : "BT-92"); look(ac.baseAmount, ac.isCharge ? "BT-100" : "BT-93") }
        c.invoice.lines.each { _, l in
            look(l.netAmount, "BT-131")
        }
        c.eachLineAllowanceCharge { _, _, ac in look(ac.amount, ac.isCharge ? "BT-141" : "BT-136"); look(ac.baseAmount, ac.isCharge ? "BT-142" : "BT-137") }
        if let bad { issues.add(self, "Amounts shall be decimal up to two fraction digits; \(bad) has more.") }
    }
}
