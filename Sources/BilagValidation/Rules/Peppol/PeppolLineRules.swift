import BilagCore
import Foundation

/// PEPPOL BIS 3 rules on allowances/charges (R040–R042), prices (R046, R121, R130), line periods (R110, R111)
/// and the line net amount (R120).
enum PeppolLineRules {
    static let p = Profiles.peppol

    static let all: [any Rule] = [
        AllowanceChargeArithmetic(),
        PeppolAllowanceChargeShape(id: "PEPPOL-EN16931-R041", "Allowance/charge base amount MUST be provided when allowance/charge percentage is provided.") { $0.percentage != nil && $0.baseAmount == nil },
        PeppolAllowanceChargeShape(id: "PEPPOL-EN16931-R042", "Allowance/charge percentage MUST be provided when allowance/charge base amount is provided.") { $0.percentage == nil && $0.baseAmount != nil },
        EachLine("PEPPOL-EN16931-R046", p, "Item net price MUST equal (Gross price - Allowance amount) when gross price is provided.") { l, _ in
            guard let gross = l.itemGrossPrice else { return true }
            guard let net = l.itemNetPrice, let discount = l.itemPriceDiscount else { return false }
            return net.exact == gross.exact - discount.exact
        },
        EachLine("PEPPOL-EN16931-R110", p, "Start date of line period MUST be within invoice period.") { l, c in
            guard let start = l.period?.startDate, let invoiceStart = c.invoice.invoicingPeriod?.startDate else { return true }
            return start >= invoiceStart
        },
        EachLine("PEPPOL-EN16931-R111", p, "End date of line period MUST be within invoice period.") { l, c in
            guard let end = l.period?.endDate, let invoiceEnd = c.invoice.invoicingPeriod?.endDate else { return true }
            return end <= invoiceEnd
        },
        LineNetAmount(),
        EachLine("PEPPOL-EN16931-R121", p, "Base quantity MUST be a positive number above zero.") { l, _ in (l.itemPriceBaseQuantity?.exact ?? 1) > 0 },
        EachLine("PEPPOL-EN16931-R130", p, "Unit code of price base quantity MUST be same as invoiced quantity.") { l, c in
            // A parsed UBL document: the unit codes as written (LexicalRules, from the parser's facts).
            if c.invoice.syntax == .ubl, !c.lexical.root.isEmpty { return true }
            guard let baseUnit = l.itemPriceBaseQuantityUnitCode, l.invoicedQuantity != nil || l.invoicedQuantityUnitCode != nil else { return true }
            return baseUnit == l.invoicedQuantityUnitCode
        },
    ]
}

/// PEPPOL-EN16931-R040: an allowance or charge with both base amount and percentage has amount = base × percentage / 100,
/// within 0.02 (document and line level).
final class AllowanceChargeArithmetic: Rule {
    let id = "PEPPOL-EN16931-R040"
    let severity = Severity.fatal
    let profiles = Profiles.peppol

    static func holds(_ ac: Borrowed<AllowanceCharge>) -> Bool {
        guard let base = ac.baseAmount, let pct = ac.percentage else { return true }
        let expected = (base.exact * pct.exact).percent
        return Arith.within(ac.amount?.exact ?? 0, expected, inclusive: Arith.twoCents)
    }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        c.invoice.allowanceCharges.each { i, ac in
            guard !Self.holds(ac) else { return }
            issues.add(self, message(ac), at: Location.allowanceCharge(i, ac))
        }
        c.eachLineAllowanceCharge { li, i, ac in
            guard !Self.holds(ac) else { return }
            issues.add(self, message(ac), at: Location.line(li, c.invoice.lines[li]) + "/" + Location.allowanceCharge(i, ac))
        }
    }

    func message(_ ac: Borrowed<AllowanceCharge>) -> String {
        "Allowance/charge amount \(Arith.text(ac.amount)) MUST equal base amount \(Arith.text(ac.baseAmount)) × percentage \(Arith.text(ac.percentage)) / 100 if base amount and percentage exists."
    }
}

/// PEPPOL-EN16931-R041/R042: percentage and base amount come together (document and line level).
final class PeppolAllowanceChargeShape: Rule {
    let id: String
    let severity = Severity.fatal
    let profiles = Profiles.peppol
    let message: String
    let broken: @Sendable (Borrowed<AllowanceCharge>) -> Bool

    init(id: String, _ message: String, _ broken: @escaping @Sendable (Borrowed<AllowanceCharge>) -> Bool) { self.id = id; self.message = message; self.broken = broken }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        c.invoice.allowanceCharges.each { i, ac in
            if broken(ac) { issues.add(self, message, at: Location.allowanceCharge(i, ac)) }
        }
        c.eachLineAllowanceCharge { li, i, ac in
            if broken(ac) { issues.add(self, message, at: Location.line(li, c.invoice.lines[li]) + "/" + Location.allowanceCharge(i, ac)) }
        }
    }
}

/// PEPPOL-EN16931-R120: Invoice line net amount (BT-131) = quantity × (net price / base quantity) + line charges −
/// line allowances (each sum rounded to cents), within 0.02. A missing quantity or base quantity counts as 1,
/// a missing price or net amount as 0.
final class LineNetAmount: Rule {
    let id = "PEPPOL-EN16931-R120"
    let severity = Severity.fatal
    let profiles = Profiles.peppol

    static func expected(_ l: Borrowed<InvoiceLine>, _ f: LineFacts) -> Exact {
        let quantity = f.quantity ?? 1
        let price = f.price ?? 0
        var base = f.baseQuantity ?? 1
        if base.isZero { base = 1 }
        var result = quantity * (base == 1 ? price : price / base)
        let acs = l.allowanceCharges
        if !acs.isEmpty {
            var allowances = Exact.zero, charges = Exact.zero
            acs.each { _, ac in
                if ac.isCharge { charges += ac.amount?.exact ?? 0 } else { allowances += ac.amount?.exact ?? 0 }
            }
            result = result + Arith.xround(charges) - Arith.xround(allowances)
        }
        return result
    }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        c.invoice.lines.each { i, l in
            let f = c.lineFacts[i]
            let expected = Self.expected(l, f)
            let net = f.net ?? 0
            if !Arith.within(net, expected, inclusive: Arith.twoCents) {
                issues.add(self, "Invoice line net amount \(Arith.text(l.netAmount)) MUST equal (Invoiced quantity × (Item net price / item price base quantity) + Sum of invoice line charge amount − sum of invoice line allowance amount) = \(Arith.text(expected)).", at: Location.line(i, l))
            }
        }
    }
}
