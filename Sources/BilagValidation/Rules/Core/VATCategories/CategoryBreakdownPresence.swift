import BilagCore

/// BR-x-01: a VAT category used on a line, an allowance or a charge appears in the VAT breakdown
/// (exactly once, or for S/L/M at least once — and an S/L/M breakdown needs a line, allowance or charge of it).
final class CategoryBreakdownPresence: Rule {
    let family: VATCategoryFamily
    let id: String
    let severity = Severity.fatal
    let profiles = Profiles.en16931

    init(_ family: VATCategoryFamily) { self.family = family; self.id = family.id(1) }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        let used = c.lineCategories.union(c.allowanceCategories).union(c.chargeCategories).contains(family.set)
        let inBreakdown = c.breakdownCategories.contains(family.set)
        guard used || inBreakdown else { return }
        switch family.presence {
        case .atLeastOne:
            if used != inBreakdown {
                issues.add(self, used
                    ? "An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code is \"\(family.name)\" shall contain in the VAT breakdown (BG-23) at least one VAT category code (BT-118) equal with \"\(family.name)\"."
                    : "The VAT breakdown (BG-23) has the category \"\(family.name)\" but no Invoice line, Document level allowance or charge has it.")
            }
        case .exactlyOne:
            let count = c.invoice.vatBreakdown.countBorrowed { $0.categoryCode == family.code }
            if count != 1 {
                issues.add(self, "An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code is \"\(family.name)\" shall contain exactly one VAT breakdown (BG-23) with the VAT category code (BT-118) \"\(family.name)\" (found \(count)).")
            }
        }
    }
}

/// BR-x-02 / BR-x-03 / BR-x-04: the parties' VAT identifiers a category needs on lines, allowances or charges.
final class CategoryParties: Rule {
    enum Target: Sendable { case lines, allowances, charges }
    let family: VATCategoryFamily
    let target: Target
    let id: String
    let severity = Severity.fatal
    let profiles = Profiles.en16931

    init(_ family: VATCategoryFamily, _ target: Target) {
        self.family = family; self.target = target
        switch target {
        case .lines: id = family.id(2)
        case .allowances: id = family.id(3)
        case .charges: id = family.id(4)
        }
    }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        let used: Bool
        let what: String
        switch target {
        case .lines: used = c.lineCategories.contains(family.set); what = "an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151)"
        case .allowances: used = c.allowanceCategories.contains(family.set); what = "a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95)"
        case .charges: used = c.chargeCategories.contains(family.set); what = "a Document level charge (BG-21) where the Document level charge VAT category code (BT-102)"
        }
        guard used, !family.partiesHold(c) else { return }
        issues.add(self, "An Invoice that contains \(what) is \"\(family.name)\" \(family.partiesText).")
    }
}

/// BR-x-05 / BR-x-06 / BR-x-07: the VAT rate a category allows on lines (BT-152), allowances (BT-96) and charges (BT-103).
final class CategoryRate: Rule {
    let family: VATCategoryFamily
    let target: CategoryParties.Target
    let id: String
    let severity = Severity.fatal
    let profiles = Profiles.en16931

    init(_ family: VATCategoryFamily, _ target: CategoryParties.Target) {
        self.family = family; self.target = target
        switch target {
        case .lines: id = family.id(5)
        case .allowances: id = family.id(6)
        case .charges: id = family.id(7)
        }
    }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        switch target {
        case .lines:
            guard c.lineCategories.contains(family.set) else { return }
            c.invoice.lines.each { i, l in
                guard l.vatCategoryCode == family.code && !family.rateHolds(c.lineFacts[i].rate) else { return }
                issues.add(self, "In an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"\(family.name)\" the Invoiced item VAT rate (BT-152) \(family.rateText) (found \(Arith.text(l.vatRate))).", at: Location.line(i, l))
            }
        case .allowances, .charges:
            let charges = target == .charges
            guard (charges ? c.chargeCategories : c.allowanceCategories).contains(family.set) else { return }
            c.invoice.allowanceCharges.each { i, ac in
                guard ac.isCharge == charges && ac.vatCategoryCode == family.code && !family.rateHolds(ac.vatRate) else { return }
                let what = charges ? "Document level charge (BG-21) where the Document level charge VAT category code (BT-102)" : "Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95)"
                let bt = charges ? "BT-103" : "BT-96"
                issues.add(self, "In a \(what) is \"\(family.name)\" the VAT rate (\(bt)) \(family.rateText) (found \(Arith.text(ac.vatRate))).", at: Location.allowanceCharge(i, ac))
            }
        }
    }
}

/// BR-x-10: a VAT exemption reason (BT-120/BT-121) is required (E, AE, K, G, O) or forbidden (S, Z, L, M).
final class CategoryExemptionReason: Rule {
    let family: VATCategoryFamily
    let id: String
    let severity = Severity.fatal
    let profiles = Profiles.en16931

    init(_ family: VATCategoryFamily) { self.family = family; self.id = family.id(10) }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        guard c.breakdownCategories.contains(family.set) else { return }
        c.invoice.vatBreakdown.each { i, b in
            guard b.categoryCode == family.code else { return }
            // An element written empty exists for the official rules (`exists(cbc:TaxExemptionReason)`).
            let has = b.exemptionReasonText != nil || b.exemptionReasonCode != nil || c.lexical.emptyExemptionReasons.contains(i)
            if has != family.exemptionReasonRequired {
                issues.add(self, family.exemptionReasonRequired
                    ? "A VAT breakdown (BG-23) with the VAT Category code (BT-118) \"\(family.name)\" shall have a VAT exemption reason code (BT-121) or a VAT exemption reason text (BT-120)."
                    : "A VAT breakdown (BG-23) with VAT Category code (BT-118) \"\(family.name)\" shall not have a VAT exemption reason code (BT-121) or VAT exemption reason text (BT-120).",
                    at: Location.breakdown(i, b))
            }
        }
    }
}
