import BilagCore

/// EN 16931 rules on document-level allowances (BG-20) and charges (BG-21):
/// BR-31…BR-33, BR-36…BR-38, BR-CO-21, BR-CO-22.
enum AllowanceChargeRules {
    static let p = Profiles.en16931

    static let all: [any Rule] = [
        EachAllowanceCharge("BR-31", p, .allowances, "Each Document level allowance (BG-20) shall have a Document level allowance amount (BT-92).") { ac, _ in ac.amount != nil },
        EachAllowanceCharge("BR-32", p, .allowances, "Each Document level allowance (BG-20) shall have a Document level allowance VAT category code (BT-95).") { ac, _ in ac.vatCategoryCode.isPresent },
        EachAllowanceCharge("BR-33", p, .allowances, "Each Document level allowance (BG-20) shall have a Document level allowance reason (BT-97) or a Document level allowance reason code (BT-98).") { ac, _ in ac.reason != nil || ac.reasonCode != nil },
        EachAllowanceCharge("BR-CO-21", p, .allowances, "Each Document level allowance (BG-20) shall contain a Document level allowance reason (BT-97) or a Document level allowance reason code (BT-98), or both.") { ac, _ in ac.reason != nil || ac.reasonCode != nil },
        EachAllowanceCharge("BR-36", p, .charges, "Each Document level charge (BG-21) shall have a Document level charge amount (BT-99).") { ac, _ in ac.amount != nil },
        EachAllowanceCharge("BR-37", p, .charges, "Each Document level charge (BG-21) shall have a Document level charge VAT category code (BT-102).") { ac, _ in ac.vatCategoryCode.isPresent },
        EachAllowanceCharge("BR-38", p, .charges, "Each Document level charge (BG-21) shall have a Document level charge reason (BT-104) or a Document level charge reason code (BT-105).") { ac, _ in ac.reason != nil || ac.reasonCode != nil },
        EachAllowanceCharge("BR-CO-22", p, .charges, "Each Document level charge (BG-21) shall contain a Document level charge reason (BT-104) or a Document level charge reason code (BT-105), or both.") { ac, _ in ac.reason != nil || ac.reasonCode != nil },
    ]
}

/// EN 16931 rules on the invoicing period (BG-14): BR-29, BR-CO-19.
enum PeriodRules {
    static let p = Profiles.en16931

    static let all: [any Rule] = [
        Assert("BR-29", p, at: "BG-14", "If both Invoicing period start date (BT-73) and Invoicing period end date (BT-74) are given then the Invoicing period end date (BT-74) shall be later or equal to the Invoicing period start date (BT-73).") { c in
            guard let s = c.invoice.invoicingPeriod?.startDate, let e = c.invoice.invoicingPeriod?.endDate else { return true }
            return e >= s
        },
        Assert("BR-CO-19", p, at: "BG-14", "If Invoicing period (BG-14) is used, the Invoicing period start date (BT-73) or the Invoicing period end date (BT-74) shall be filled, or both.") { c in
            guard let period = c.invoice.invoicingPeriod else { return true }
            // A date written but no date is there for the official rules (`exists(cbc:StartDate)`).
            return period.startDate != nil || period.endDate != nil || period.descriptionCode != nil
                || c.unreadablePaths.contains { $0.hasPrefix("cac:InvoicePeriod/") || $0.hasPrefix("ram:BillingSpecifiedPeriod/") }
        },
    ]
}

/// EN 16931 rules on payment instructions and references (BG-16…BG-19, BG-24): BR-49…BR-52, BR-61.
enum PaymentRules {
    static let p = Profiles.en16931

    static let all: [any Rule] = [
        EachPayment("BR-49", p, "A Payment instruction (BG-16) shall specify the Payment means type code (BT-81).") { pm, c in
            if pm.paymentMeansTypeCode != nil { return true }
            // The CII reader makes an instruction of a lone PaymentReference (BT-83); CII has no means there to code.
            return c.invoice.syntax == .cii && pm.creditTransfers.isEmpty && pm.paymentCard == nil && pm.directDebit == nil
        },
        EachPayment("BR-50", p, "A Payment account identifier (BT-84) shall be present if Credit transfer (BG-17) information is provided in the Invoice.") { pm, _ in
            guard Text.equals(pm.paymentMeansTypeCode, "30") || Text.equals(pm.paymentMeansTypeCode, "58") else { return true }
            return pm.creditTransfers.allBorrowed { $0.paymentAccountIdentifier?.value.isPresent ?? false }
        },
        EachPayment("BR-61", p, "If the Payment means type code (BT-81) means SEPA credit transfer, Local credit transfer or Non-SEPA international credit transfer, the Payment account identifier (BT-84) shall be present.") { pm, _ in
            guard Text.equals(pm.paymentMeansTypeCode, "30") || Text.equals(pm.paymentMeansTypeCode, "58") else { return true }
            return pm.creditTransfers.anyBorrowed { $0.paymentAccountIdentifier != nil }
        },
        EachPayment("BR-51", p, severity: .warning, "In accordance with card payments security standards an invoice should never include a full card primary account number (BT-87); at most the first 6 and last 4 digits may be shown.") { pm, _ in
            guard let pan = pm.paymentCard?.primaryAccountNumber else { return true }
            return pan.trimmingWhitespace().count <= 10
        },
        Assert("BR-52", p, at: "BG-24", "Each Additional supporting document (BG-24) shall contain a Supporting document reference (BT-122).") { c in
            c.invoice.supportingDocuments.allBorrowed { $0.reference.isPresent }
        },
    ]
}

/// An assertion on every payment instruction (BG-16).
final class EachPayment: Rule {
    let id: String
    let severity: Severity
    let profiles: Set<Profile>
    let message: String
    let holds: @Sendable (Borrowed<PaymentInstructions>, ValidationContext) -> Bool

    init(_ id: String, _ profiles: Set<Profile>, severity: Severity = .fatal, _ message: String, _ holds: @escaping @Sendable (Borrowed<PaymentInstructions>, ValidationContext) -> Bool) {
        self.id = id; self.profiles = profiles; self.severity = severity; self.message = message; self.holds = holds
    }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        c.invoice.paymentInstructions.each { i, pm in
            guard !holds(pm, c) else { return }
            issues.add(self, message, at: "payment instruction \(i + 1)")
        }
    }
}
