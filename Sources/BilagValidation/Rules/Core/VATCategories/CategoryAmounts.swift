import BilagCore
import Foundation

/// BR-x-08: the taxable amount (BT-116) of a category's VAT breakdown is the sum of its line net amounts plus its
/// document charges minus its document allowances.
///
/// As the official rules have it: for S, L and M per rate, UBL within a strict ±1 tolerance, CII exactly after
/// rounding each of the three sums to cents; for the other categories over the whole category, UBL exactly,
/// CII within ±1 of the rounded sums (except O, exactly).
final class CategoryTaxableAmount: Rule {
    let family: VATCategoryFamily
    let id: String
    let severity = Severity.fatal
    let profiles = Profiles.en16931

    init(_ family: VATCategoryFamily) { self.family = family; self.id = family.id(8) }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        guard c.breakdownCategories.contains(family.set) else { return }
        let cii = c.invoice.syntax == .cii
        c.invoice.vatBreakdown.each { i, b in
            guard b.categoryCode == family.code else { return }
            if family.rated {
                guard let rate = b.rate else { return } // "every $rate in Percent": nothing to check without a rate
                let sums = Self.sums(c, family.code, rate: rate)
                let ok: Bool
                if cii {
                    ok = b.taxableAmount.map { $0.exact == sums.roundedTotal } ?? false
                } else {
                    ok = sums.used && (b.taxableAmount.map { Self.withinOneAsUBLComputes($0, sums.total) } ?? false)
                }
                if !ok {
                    issues.add(self, "For VAT category \"\(family.name)\" at \(rate)% the VAT category taxable amount (BT-116) \(Arith.text(b.taxableAmount)) shall equal the sum of Invoice line net amounts (BT-131) plus document level charges (BT-99) minus document level allowances (BT-92) at that category and rate: \(Arith.text(cii ? sums.roundedTotal : sums.total)).", at: Location.breakdown(i, b))
                }
            } else {
                let sums = Self.sums(c, family.code, rate: nil)
                let ok: Bool
                if cii {
                    if family.code == "O" {
                        ok = b.taxableAmount.map { $0.exact == sums.roundedTotal } ?? false
                    } else {
                        ok = b.taxableAmount.map { Arith.within($0.exact, sums.roundedTotal, strictly: Arith.one) } ?? false
                    }
                } else {
                    ok = !c.invoice.lines.isEmpty && (b.taxableAmount.map { $0.exact == sums.total } ?? false)
                }
                if !ok {
                    issues.add(self, "In a VAT breakdown (BG-23) where the VAT category code (BT-118) is \"\(family.name)\" the VAT category taxable amount (BT-116) \(Arith.text(b.taxableAmount)) shall equal the sum of Invoice line net amounts (BT-131) minus document level allowances (BT-92) plus document level charges (BT-99) of that category: \(Arith.text(cii ? sums.roundedTotal : sums.total)).", at: Location.breakdown(i, b))
                }
            }
        }
    }

    /// The UBL rule: `xs:decimal(cbc:TaxableAmount - 1) < Σ and xs:decimal(cbc:TaxableAmount + 1) > Σ`. The
    /// written amount minus or plus 1 is an `xs:double` (untyped minus integer), so at exactly 1.00 off the verdict
    /// is that of the double's binary value (3001.57 − 1 is 3000.570000000000163…, above 3000.57).
    static func withinOneAsUBLComputes(_ taxable: Amount, _ sum: Exact) -> Bool {
        let t = Arith.double(taxable)
        return Arith.sign(ofDouble: t - 1, minus: sum) == -1 && Arith.sign(ofDouble: t + 1, minus: sum) == 1
    }

    struct Sums {
        var lines = Exact.zero, charges = Exact.zero, allowances = Exact.zero
        /// Whether any line, allowance or charge has the category (and rate).
        var used = false
        var total: Exact { lines + charges - allowances }
        var roundedTotal: Exact { Arith.xround(lines) + Arith.xround(charges) - Arith.xround(allowances) }
    }

    /// The sums of one category (and, when given, one rate).
    static func sums(_ c: ValidationContext, _ code: String, rate rateAmount: Amount?) -> Sums {
        var s = Sums()
        // Rates compare as numbers (25 = 25.00), in exact arithmetic.
        let rate = rateAmount.exact
        @inline(__always) func rateMatches(_ r: Exact?) -> Bool {
            guard let rate else { return true }
            guard let r else { return false }
            return r == rate
        }
        if c.lineCategories.contains(CategorySet(code: code)) {
            c.invoice.lines.each { i, l in
                guard l.vatCategoryCode == code else { return }
                let f = c.lineFacts[i]
                guard rateMatches(f.rate) else { return }
                s.used = true
                if let n = f.net { s.lines += n }
            }
        }
        c.invoice.allowanceCharges.each { _, ac in
            guard ac.vatCategoryCode == code && rateMatches(ac.vatRate.exact) else { return }
            s.used = true
            guard let a = ac.amount else { return }
            if ac.isCharge { s.charges += a.exact } else { s.allowances += a.exact }
        }
        return s
    }
}

/// BR-x-09: the VAT amount (BT-117) of a category's breakdown: taxable × rate within a strict ±1 (S, L, M), or zero.
final class CategoryTaxAmount: Rule {
    let family: VATCategoryFamily
    let id: String
    let severity = Severity.fatal
    let profiles = Profiles.en16931

    init(_ family: VATCategoryFamily) { self.family = family; self.id = family.id(9) }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        guard c.breakdownCategories.contains(family.set) else { return }
        c.invoice.vatBreakdown.each { i, b in
            guard b.categoryCode == family.code else { return }
            if family.rated {
                var expected: Exact?
                if let taxable = b.taxableAmount, let rate = b.rate {
                    expected = Arith.xround(Arith.abs(taxable.exact) * rate.exact.percent)
                }
                let ok: Bool
                if let expected, let tax = b.taxAmount {
                    ok = Arith.within(Arith.abs(tax.exact), expected, strictly: Arith.one)
                } else {
                    ok = false
                }
                if !ok {
                    issues.add(self, "The VAT category tax amount (BT-117) \(Arith.text(b.taxAmount)) in a VAT breakdown (BG-23) where VAT category code (BT-118) is \"\(family.name)\" shall equal the VAT category taxable amount (BT-116) multiplied by the VAT category rate (BT-119)\(expected.map { ": \(Arith.text($0))" } ?? "").", at: Location.breakdown(i, b))
                }
            } else if !(b.taxAmount.map { $0.exact == 0 } ?? false) {
                issues.add(self, "The VAT category tax amount (BT-117) in a VAT breakdown (BG-23) where the VAT category code (BT-118) is \"\(family.name)\" shall equal 0 (zero); found \(Arith.text(b.taxAmount)).", at: Location.breakdown(i, b))
            }
        }
    }
}
