import BilagCore

/// The Danish national rules of PEPPOL BIS 3 (DK-R-*), for a seller whose postal country (BT-40) is DK; the
/// payment and identification rules also need a Danish buyer (BT-55).
///
/// Not checked: DK-R-003 (a warning on the `listVersionID` of TST item classifications, which the model does not keep).
enum DKRules {
    static let p = Profiles.peppol

    /// The DK rules compare the country code as written (no trimming, no case folding).
    static func sellerDK(_ c: ValidationContext) -> Bool { c.invoice.seller.postalAddress?.countryCode == "DK" }
    static func bothDK(_ c: ValidationContext) -> Bool { sellerDK(c) && c.invoice.buyer.postalAddress?.countryCode == "DK" }

    static let all: [any Rule] = [
        Assert("DK-R-002", p, at: "BT-30", "Danish suppliers MUST provide legal entity (CVR-number).") { c in
            !sellerDK(c) || (c.invoice.seller.legalRegistrationIdentifier?.value.isPresent ?? false)
        },
        Assert("DK-R-014", p, at: "BT-30", "For Danish Suppliers it is mandatory to specify schemeID as \"0184\" (DK CVR-number) when PartyLegalEntity/CompanyID is used for AccountingSupplierParty.") { c in
            guard sellerDK(c), let legal = c.invoice.seller.legalRegistrationIdentifier else { return true }
            return legal.scheme.map(Text.trim) == "0184"
        },
        Assert("DK-R-016", p, at: "BT-115", "For Danish suppliers, a Credit note cannot have a negative total (PayableAmount).") { c in
            guard sellerDK(c), c.invoice.buyer.postalAddress?.countryCode == "DK" else { return true }
            let creditNote = c.invoice.syntax == .cii ? c.invoice.invoiceTypeCode == "381" : c.isCreditNote
            guard creditNote, let due = c.invoice.totals.amountDueForPayment else { return true }
            return due.exact >= 0
        },
        Assert("DK-R-013", p, at: "BT-29/BT-46", "For Danish Suppliers it is mandatory to use schemeID when PartyIdentification/ID is used for AccountingCustomerParty or AccountingSupplierParty.") { c in
            guard bothDK(c) else { return true }
            // CII: the rule reads the parties' GlobalID only; a ram:ID needs no scheme.
            if c.invoice.syntax == .cii && !c.lexical.root.isEmpty { return !c.lexical.ciiPartyGlobalIDWithoutScheme }
            let hasScheme: (Identifier) -> Bool = { ($0.scheme?.trimmingWhitespace(includingNewlines: false) ?? "") != "" }
            return c.invoice.seller.identifiers.allSatisfy(hasScheme) && c.invoice.buyer.identifiers.allSatisfy(hasScheme)
        },
        Assert("DK-R-004", p, "When specifying non-VAT Taxes, Danish suppliers MUST use the AllowanceChargeReasonCode=\"ZZZ\" and the 4-digit Tax category MUST be specified in 'AllowanceChargeReason' or as 'Tax category#Text'.") { c in
            guard bothDK(c) else { return true }
            var ok = c.invoice.allowanceCharges.allBorrowed { $0.reasonCode != "ZZZ" || DKPayment.isTaxCategoryReason($0.reason) }
            c.eachLineAllowanceCharge { _, _, ac in if ac.reasonCode == "ZZZ" && !DKPayment.isTaxCategoryReason(ac.reason) { ok = false } }
            return ok
        },
        EachDKPayment("DK-R-005", "For Danish suppliers the following Payment means codes are allowed: 1, 10, 31, 42, 48, 49, 50, 58, 59, 93 and 97.") { pm, c in
            // UBL states it for the Invoice root only.
            if c.invoice.syntax == .ubl && c.isCreditNote { return true }
            return ["1", "10", "31", "42", "48", "49", "50", "58", "59", "93", "97"].contains(pm.paymentMeansTypeCode ?? "")
        },
        EachDKPayment("DK-R-006", "For Danish suppliers bank account and registration account is mandatory if payment means is 31 or 42.") { pm, _ in
            guard pm.paymentMeansTypeCode == "31" || pm.paymentMeansTypeCode == "42" else { return true }
            return pm.creditTransfers.anyBorrowed { $0.paymentAccountIdentifier?.value.isPresent ?? false } && pm.creditTransfers.anyBorrowed { $0.paymentServiceProviderIdentifier.isPresent }
        },
        EachDKPayment("DK-R-007", "For Danish suppliers PaymentMandate/ID and PayerFinancialAccount/ID are mandatory when payment means is 49.") { pm, c in
            guard pm.paymentMeansTypeCode == "49" else { return true }
            guard let dd = pm.directDebit, dd.mandateReferenceIdentifier.isPresent else { return false }
            return c.invoice.syntax == .cii ? dd.bankAssignedCreditorIdentifier.isPresent : dd.debitedAccountIdentifier.isPresent
        },
        EachDKPayment("DK-R-008", "For Danish Suppliers PaymentID is mandatory and MUST start with 01#, 04# or 15# (kortartkode), and PayeeFinancialAccount/ID (Giro kontonummer) is mandatory and must be 7 or 8 characters long, when payment means equals 50 (Giro).") { i, pm, c in
            guard pm.paymentMeansTypeCode == "50" else { return true }
            guard let id = pm.remittanceInformation, id.hasPrefix("01#") || id.hasPrefix("04#") || id.hasPrefix("15#") else { return false }
            let account = pm.creditTransfers.first?.paymentAccountIdentifier?.value ?? ""
            // CII: the account as written in PayeePartyCreditorFinancialAccount/IBANID (not ProprietaryID).
            if c.invoice.syntax == .cii { return c.lexical.ciiPayeeIBANIDLength(i) == 7 }
            return (account.utf8.count == 7 || account.utf8.count == 8) && Text.isDigits(account)
        },
        EachDKPayment("DK-R-009", "For Danish Suppliers if the PaymentID is prefixed with 04# or 15# the 16 digits instruction Id must be added to the PaymentID eg. \"04#1234567890123456\" when Payment means equals 50 (Giro).") { pm, _ in
            guard pm.paymentMeansTypeCode == "50", let id = pm.remittanceInformation, id.hasPrefix("04#") || id.hasPrefix("15#") else { return true }
            return id.count == 19
        },
        EachDKPayment("DK-R-010", "For Danish Suppliers PaymentID is mandatory and MUST start with 71#, 73# or 75# (kortartkode) and PayeeFinancialAccount/ID (Kreditornummer) is mandatory and must be exactly 8 characters long, when Payment means equals 93 (FIK).") { i, pm, c in
            guard pm.paymentMeansTypeCode == "93" else { return true }
            guard let id = pm.remittanceInformation, id.hasPrefix("71#") || id.hasPrefix("73#") || id.hasPrefix("75#") else { return false }
            if c.invoice.syntax == .cii { return c.lexical.ciiPayeeIBANIDLength(i) == 8 }
            return (pm.creditTransfers.first?.paymentAccountIdentifier?.value ?? "").count == 8
        },
        EachDKPayment("DK-R-011", "For Danish Suppliers if the PaymentID is prefixed with 71# or 75# the 15-16 digits instruction Id must be added to the PaymentID eg. \"71#1234567890123456\" when payment Method equals 93 (FIK).") { pm, _ in
            guard pm.paymentMeansTypeCode == "93", let id = pm.remittanceInformation, id.hasPrefix("71#") || id.hasPrefix("75#") else { return true }
            return id.count == 18 || id.count == 19
        },
    ]
}

/// A DK rule on each payment instruction (BG-16) of a Danish-to-Danish document.
final class EachDKPayment: Rule {
    let id: String
    let severity = Severity.fatal
    let profiles = Profiles.peppol
    let message: String
    /// Whether payment instruction `i` (its position among the document's payment means) keeps the rule.
    let holds: @Sendable (Int, Borrowed<PaymentInstructions>, ValidationContext) -> Bool

    init(_ id: String, _ message: String, _ holds: @escaping @Sendable (Borrowed<PaymentInstructions>, ValidationContext) -> Bool) {
        self.id = id; self.message = message; self.holds = { _, pm, c in holds(pm, c) }
    }

    init(_ id: String, _ message: String, _ holds: @escaping @Sendable (Int, Borrowed<PaymentInstructions>, ValidationContext) -> Bool) {
        self.id = id; self.message = message; self.holds = holds
    }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        guard DKRules.bothDK(c) else { return }
        c.invoice.paymentInstructions.each { i, pm in
            guard !holds(i, pm, c) else { return }
            issues.add(self, message, at: "payment instruction \(i + 1)")
        }
    }
}

enum DKPayment {
    /// DK-R-004: a 4-digit tax category (0000–9999), or `category#text` with the `#` neither first nor last.
    static func isTaxCategoryReason(_ reason: String?) -> Bool {
        guard let reason else { return false }
        let t = reason.trimmingWhitespace()
        if t.utf8.count == 4 && Text.isDigits(t) { return true }
        return reason.contains("#") && !reason.hasPrefix("#") && !reason.hasSuffix("#")
    }
}
