import BilagCore
import Foundation

/// EN 16931 rules on each VAT breakdown (BG-23): BR-45…BR-48, BR-CO-17.
enum BreakdownRules {
    static let p = Profiles.en16931

    static let all: [any Rule] = [
        EachBreakdown("BR-45", p, "Each VAT breakdown (BG-23) shall have a VAT category taxable amount (BT-116).") { b, _ in b.taxableAmount != nil },
        EachBreakdown("BR-46", p, "Each VAT breakdown (BG-23) shall have a VAT category tax amount (BT-117).") { b, _ in b.taxAmount != nil },
        EachBreakdown("BR-47", p, "Each VAT breakdown (BG-23) shall be defined through a VAT category code (BT-118).") { b, _ in b.categoryCode.isPresent },
        EachBreakdown("BR-48", p, "Each VAT breakdown (BG-23) shall have a VAT category rate (BT-119), except if the Invoice is not subject to VAT.") { b, _ in b.rate != nil || b.categoryCode == "O" },
        BreakdownTaxAmount(),
    ]
}

/// BR-CO-17: VAT category tax amount (BT-117) = VAT category taxable amount (BT-116) × (VAT category rate (BT-119) / 100),
/// rounded to two decimals — within ±1 as the official rule allows (strictly in UBL, inclusively in CII). A rate that
/// rounds to 0 (or no rate) needs a tax amount that rounds to 0.
final class BreakdownTaxAmount: Rule {
    let id = "BR-CO-17"
    let severity = Severity.fatal
    let profiles = Profiles.en16931

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        let cii = c.invoice.syntax == .cii
        c.invoice.vatBreakdown.each { i, b in
            let tax = b.taxAmount?.exact
            let ok: Bool
            var expected: Exact?
            if let rate = b.rate?.exact, Arith.xround(rate, 0) != 0 {
                if let taxable = b.taxableAmount?.exact, let tax {
                    let e = Arith.xround(Arith.abs(taxable) * rate.percent)
                    expected = e
                    let d = Arith.abs(tax) - e
                    ok = cii ? (d <= 1 && d >= -1) : (d < 1 && d > -1)
                } else {
                    ok = false
                }
            } else {
                expected = 0
                ok = tax.map { Arith.xround($0, 0) == 0 } ?? false
            }
            if !ok {
                issues.add(self, "VAT category tax amount (BT-117) \(Arith.text(b.taxAmount)) shall equal VAT category taxable amount (BT-116) \(Arith.text(b.taxableAmount)) × VAT category rate (BT-119) \(Arith.text(b.rate))%\(expected.map { " = \(Arith.text($0))" } ?? "").", at: Location.breakdown(i, b))
            }
        }
    }
}
