import BilagCore

/// Rules on what the document writes as written (`LexicalFacts`), where the official rules judge the lexical form:
/// empty elements, amounts with whitespace around them, each amount's `currencyID`, the form of dates, CII tax type
/// codes and the CII issue date's `format`. An invoice built in code (no facts) passes them all.
enum LexicalRules {
    static let all: [any Rule] = [
        Assert("PEPPOL-EN16931-R008", Profiles.peppol, at: "document", "Document MUST not contain empty elements.") { c in
            c.invoice.syntax != .ubl || c.lexical.emptyElements.isEmpty
        },
        Assert("PEPPOL-EN16931-R051", Profiles.peppol, at: "BT-5", "All currencyID attributes must have the same value as the invoice currency code (BT-5), except for the invoice total VAT amount in accounting currency (BT-111).") { c in
            c.invoice.syntax != .ubl || c.lexical.foreignCurrencyAmounts.isEmpty
        },
        LexicalFindings(id: "PEPPOL-EN16931-F001", Profiles.peppol, "A date MUST be formatted YYYY-MM-DD (UBL) or YYYYMMDD with format 102 (CII).") { $0.badDates },
        LexicalFindings(id: "CII-DT-097", Profiles.en16931, "Date time string with format attribute 102 shall be YYYYMMDD.") { $0.badDates },
        Assert("CII-DT-037", Profiles.en16931, at: "TypeCode", "TypeCode shall be 'VAT'") { c in
            c.invoice.syntax != .cii || c.lexical.nonVATTaxTypeCodes.isEmpty
        },
        PaddedAmountDecimals(),
        LexicalFindings(id: "UBL-SR-05", Profiles.en16931, "Payment terms shall occur maximum once.") { $0.syntax },
        LexicalFindings(id: "UBL-SR-12", Profiles.en16931, "Seller VAT identifier shall occur maximum once.") { $0.syntax },
        LexicalFindings(id: "UBL-SR-46", Profiles.en16931, "Payment means text shall occur maximum once.") { $0.syntax },
        LexicalFindings(id: "UBL-SR-53", Profiles.en16931, "CompanyID (VAT Identifier) must be stated when providing the PartyTaxScheme/TaxScheme/ID.") { $0.syntax },
        Assert("UBL-SR-44", Profiles.en16931, at: "BT-83", "An Invoice may only have one unique PaymentID, but the PaymentID may be used for multiple PaymentMeans") { c in
            c.lexical.paymentIDs.count <= 1
        },
        Assert("BR-CL-03", Profiles.en16931, at: "currencyID", "currencyID MUST be coded using ISO code list 4217 alpha-3") { c in
            // Every amount's normalize-space(@currencyID), "" where it has none, from the list (UBL; the model keeps one currency).
            c.lexical.amountCurrencyIDs.allSatisfy { CodeLists.currencyCodes.contains($0.xpathNormalizedSpace) }
        },
        Assert("PEPPOL-EN16931-CL007", Profiles.peppol, at: "currencyID", "Currency code must be according to ISO 4217:2005") { c in
            // `some $code in $ISO4217 satisfies @currencyID = $code`: as written, untrimmed; no attribute fails.
            c.lexical.amountCurrencyIDs.allSatisfy { CodeLists.peppolCurrencyCodes.contains($0) }
        },
        LexicalFindings(id: "PEPPOL-EN16931-R130", Profiles.peppol, "Unit code of price base quantity MUST be same as invoiced quantity (as written).") { $0.syntax },
        LexicalFindings(id: "BR-29", Profiles.en16931, "If both Invoicing period start date (BT-73) and end date (BT-74) are given, the end date shall be later or equal to the start date (CII: both with format 102).") { $0.syntax },
        LexicalFindings(id: "BR-30", Profiles.en16931, "If both Invoice line period start date (BT-134) and end date (BT-135) are given, the end date shall be later or equal to the start date (CII: both with format 102).") { $0.syntax },
        Assert("UBL-SR-47", Profiles.en16931, at: "BT-81", "When there are more than one payment means code, they shall be equal.") { c in
            // `count(//cbc:PaymentMeansCode[not(preceding::cbc:PaymentMeansCode/. = .)]) <= 1`: as written (` 30 ` is no `30`).
            c.invoice.syntax != .ubl || (c.lexical.root.isEmpty ? samePaymentMeansCode(c) : c.lexical.paymentMeansCodes.count <= 1)
        },
        Assert("CII-SR-467", Profiles.en16931, at: "BT-81", "All Payment means type codes (BT-81) shall have the same value across all SpecifiedTradeSettlementPaymentMeans.") { c in
            c.invoice.syntax != .cii || samePaymentMeansCode(c)
        },
        // An element the XML Schema allows once, written twice where the official rules then stop (a dynamic
        // error: a sequence where one value is expected): "Repeated" under every EN 16931 profile, "RepeatedPeppol"
        // where only the PEPPOL rules stop on it.
        LexicalFindings(id: FormatFindings.ruleID, Profiles.en16931, matching: LexicalFacts.repeated, "occurs more than once (the XML Schema allows one; the official rules stop on it)") { $0.syntax },
        LexicalFindings(id: FormatFindings.ruleID, Profiles.peppol, matching: LexicalFacts.repeatedPeppol, "occurs more than once (the XML Schema allows one; the PEPPOL rules stop on it)") { $0.syntax },
    ] + syntaxCounts

    /// The UBL syntax rules that count elements as written (`UBLSyntaxCounts` in the parser finds them).
    static let syntaxCounts: [any Rule] = [
        ("UBL-SR-01", "Contract identifier shall occur maximum once."),
        ("UBL-SR-02", "Receive advice identifier shall occur maximum once."),
        ("UBL-SR-03", "Despatch advice identifier shall occur maximum once."),
        ("UBL-SR-06", "Preceding invoice reference shall occur maximum once."),
        ("UBL-SR-07", "If there is a preceding invoice reference, the preceding invoice number shall be present."),
        ("UBL-SR-08", "Invoice period shall occur maximum once."),
        ("UBL-SR-09", "Seller name shall occur maximum once."),
        ("UBL-SR-10", "Seller trader name shall occur maximum once."),
        ("UBL-SR-11", "Seller legal registration identifier shall occur maximum once."),
        ("UBL-SR-13", "Seller tax registration shall occur maximum once."),
        ("UBL-SR-18", "Buyer VAT identifier shall occur maximum once."),
        ("UBL-SR-14", "Seller legal form shall occur maximum once."),
        ("UBL-SR-15", "Buyer name shall occur maximum once."),
        ("UBL-SR-16", "Buyer identifier shall occur maximum once."),
        ("UBL-SR-17", "Buyer legal registration identifier shall occur maximum once."),
        ("UBL-SR-19", "Payee name shall occur maximum once, if the Payee is different from the Seller."),
        ("UBL-SR-20", "Payee identifier shall occur maximum once, if the Payee is different from the Seller."),
        ("UBL-SR-21", "Payee legal registration identifier shall occur maximum once, if the Payee is different from the Seller."),
        ("UBL-SR-22", "Seller tax representative name shall occur maximum once, if the Seller has a tax representative."),
        ("UBL-SR-24", "Deliver to information shall occur maximum once."),
        ("UBL-SR-25", "Deliver to party name shall occur maximum once."),
        ("UBL-SR-26", "Payment reference shall occur maximum once."),
        ("UBL-SR-27", "Payment means text shall occur maximum once."),
        ("UBL-SR-28", "Mandate reference identifier shall occur maximum once."),
        ("UBL-SR-32", "VAT exemption reason text shall occur maximum once."),
        ("UBL-SR-33", "Supporting document description shall occur maximum once."),
        ("UBL-SR-34", "Invoice line note shall occur maximum once."),
        ("UBL-SR-35", "Referenced purchase order line identifier shall occur maximum once."),
        ("UBL-SR-36", "Invoice line period shall occur maximum once."),
        ("UBL-SR-37", "Item price discount shall occur maximum once."),
        ("UBL-SR-39", "Project reference shall occur maximum once."),
        ("UBL-SR-40", "Buyer trade name shall occur maximum once."),
        ("UBL-SR-42", "Party tax scheme shall occur maximum twice in accounting supplier party."),
        ("UBL-SR-45", "Due Date shall occur maximum once."),
        ("UBL-SR-48", "Invoice lines shall have one and only one classified tax category."),
        ("UBL-SR-49", "Value tax point date shall occur maximum once."),
        ("UBL-SR-50", "Item description shall occur maximum once."),
        ("UBL-SR-51", "An address can only have one third line."),
        ("UBL-SR-52", "Document reference shall occur maximum once."),
        ("BR-CO-04", "Each Invoice line (BG-25) shall be categorized with an Invoiced item VAT category code (BT-151): a tax of type VAT."),
        ("CII-SR-009", "GuidelineSpecifiedDocumentContextParameter shall occur exactly once."),
        ("CII-SR-010", "GuidelineSpecifiedDocumentContextParameter/ID shall occur exactly once."),
        ("CII-SR-014", "TypeCode shall occur exactly once."),
        ("CII-SR-046", "The item standard identifier (GlobalID) shall have a scheme identifier."),
        ("CII-SR-090", "Item country of origin shall have exactly one ID."),
        ("CII-SR-069", "Item attribute name shall occur exactly once."),
        ("CII-SR-072", "Item attribute value shall occur exactly once."),
        ("CII-SR-439", "Item net price shall occur exactly once."),
        ("CII-SR-441", "Item net price shall occur maximum once."),
        ("CII-SR-440", "Item price discount shall occur maximum once."),
        ("CII-SR-455", "Seller contact shall occur maximum once."),
        ("CII-SR-456", "Buyer contact shall occur maximum once."),
        ("CII-SR-459", "Seller electronic address shall occur maximum once."),
        ("CII-SR-460", "Buyer electronic address shall occur maximum once."),
        ("CII-SR-461", "Value added tax point date shall occur maximum once."),
        ("CII-SR-462", "Value added tax point date code shall occur maximum once (one distinct value)."),
        ("CII-SR-470", "Either the IBAN or a Proprietary ID (BT-84) shall be used."),
        ("CII-SR-469", "Payment reference (BT-83) shall occur at most once in the document."),
        ("CII-SR-463", "Each Specified Trade Allowance Charge (BG-20)(BG-21) shall contain a Charge Indicator."),
    ].map { id, message in LexicalFindings(id: id, Profiles.en16931, message) { $0.syntax } }

    static func samePaymentMeansCode(_ c: ValidationContext) -> Bool {
        var first: String?
        return c.invoice.paymentInstructions.allBorrowed { pm in
            guard let code = pm.paymentMeansTypeCode else { return true }
            if first == nil { first = code }
            return code == first
        }
    }
}

/// Amounts written with whitespace around them: the official rules count the characters after the decimal point
/// as written (`string-length(substring-after(., '.'))`), trailing whitespace included, so ` 100.00 ` has three
/// decimals — UBL-DT-01 for any UBL amount but prices, and the BR-DEC rule of the business term.
final class PaddedAmountDecimals: Rule {
    let id = "UBL-DT-01"
    let severity = Severity.fatal
    let profiles = Profiles.en16931

    /// The BR-DEC rule of each amount, by the end of its element path.
    static let decimalRules: [(suffix: String, rule: String)] = [
        ("LegalMonetaryTotal/LineExtensionAmount", "BR-DEC-09"), ("LegalMonetaryTotal/AllowanceTotalAmount", "BR-DEC-10"),
        ("LegalMonetaryTotal/ChargeTotalAmount", "BR-DEC-11"), ("LegalMonetaryTotal/TaxExclusiveAmount", "BR-DEC-12"),
        ("LegalMonetaryTotal/TaxInclusiveAmount", "BR-DEC-14"), ("LegalMonetaryTotal/PrepaidAmount", "BR-DEC-16"),
        ("LegalMonetaryTotal/PayableRoundingAmount", "BR-DEC-17"), ("LegalMonetaryTotal/PayableAmount", "BR-DEC-18"),
        ("TaxSubtotal/TaxableAmount", "BR-DEC-19"), ("TaxSubtotal/TaxAmount", "BR-DEC-20"),
        ("InvoiceLine/LineExtensionAmount", "BR-DEC-23"), ("CreditNoteLine/LineExtensionAmount", "BR-DEC-23"),
        ("HeaderMonetarySummation/LineTotalAmount", "BR-DEC-09"), ("HeaderMonetarySummation/AllowanceTotalAmount", "BR-DEC-10"),
        ("HeaderMonetarySummation/ChargeTotalAmount", "BR-DEC-11"), ("HeaderMonetarySummation/TaxBasisTotalAmount", "BR-DEC-12"),
        ("HeaderMonetarySummation/GrandTotalAmount", "BR-DEC-14"), ("HeaderMonetarySummation/TotalPrepaidAmount", "BR-DEC-16"),
        ("HeaderMonetarySummation/RoundingAmount", "BR-DEC-17"), ("HeaderMonetarySummation/DuePayableAmount", "BR-DEC-18"),
        ("ApplicableHeaderTradeSettlement/ApplicableTradeTax/BasisAmount", "BR-DEC-19"),
        ("ApplicableHeaderTradeSettlement/ApplicableTradeTax/CalculatedAmount", "BR-DEC-20"),
        ("LineMonetarySummation/LineTotalAmount", "BR-DEC-23"),
    ]

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        for a in c.lexical.paddedAmounts {
            let message = "The amount at \(a.path) is written with whitespace around it: \(a.fractionLength) characters after the decimal point, at most 2 allowed."
            if c.invoice.syntax == .ubl, !a.path.hasSuffix("PriceAmount"), !a.path.contains("Price/AllowanceCharge") {
                issues.add(self, message, at: a.path)
            }
            if let rule = a.rule ?? Self.decimalRules.first(where: { a.path.hasSuffix($0.suffix) })?.rule, !rule.isEmpty {
                issues.add(ruleID: rule, severity: .fatal, message: message, location: a.path)
            }
        }
    }
}


/// A rule the parser's facts already decide: each recorded place under the rule's id is one issue.
final class LexicalFindings: Rule {
    let id: String
    let severity = Severity.fatal
    let profiles: Set<Profile>
    let message: String
    let findings: @Sendable (LexicalFacts) -> [LexicalFacts.Finding]
    /// The findings' rule this reports (its own id unless given).
    let key: String

    init(id: String, _ profiles: Set<Profile>, matching key: String? = nil, _ message: String, _ findings: @escaping @Sendable (LexicalFacts) -> [LexicalFacts.Finding]) {
        self.id = id; self.profiles = profiles; self.message = message; self.findings = findings; self.key = key ?? id
    }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        for f in findings(c.lexical) where f.rule == key { issues.add(self, message, at: f.path) }
    }
}
