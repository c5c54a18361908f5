import BilagCore

/// EN 16931 mandatory elements of the document (BR-01…BR-16, BR-53, BR-CO-03, BR-CO-18, BR-CO-26).
enum DocumentMandatoryRules {
    static let p = Profiles.en16931

    static let all: [any Rule] = [
        Assert("BR-01", p, "An Invoice shall have a Specification identifier (BT-24).") { $0.invoice.specificationIdentifier.isPresent },
        Assert("BR-02", p, "An Invoice shall have an Invoice number (BT-1).") { $0.invoice.invoiceNumber.isPresent },
        Assert("BR-03", p, "An Invoice shall have an Invoice issue date (BT-2).") { c in
            // CII reads the issue date only from a DateTimeString with format="102".
            if c.invoice.syntax == .cii, !c.lexical.root.isEmpty, !c.lexical.issueDateHasFormat102 { return false }
            // An issue date that is there but no date is BILAG-FORMAT's to report, not a missing one.
            return c.invoice.issueDate != nil || (!c.unreadablePaths.isEmpty && c.hasUnreadable("cbc:IssueDate", "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString"))
        },
        Assert("BR-04", p, "An Invoice shall have an Invoice type code (BT-3).") { $0.invoice.invoiceTypeCode.isPresent },
        Assert("BR-05", p, "An Invoice shall have an Invoice currency code (BT-5).") { $0.invoice.documentCurrencyCode?.code.isPresent ?? false },
        Assert("BR-06", p, "An Invoice shall contain the Seller name (BT-27).") { $0.invoice.seller.name.isPresent },
        Assert("BR-07", p, "An Invoice shall contain the Buyer name (BT-44).") { $0.invoice.buyer.name.isPresent },
        Assert("BR-08", p, "An Invoice shall contain the Seller postal address (BG-5).") { $0.invoice.seller.postalAddress != nil },
        Assert("BR-09", p, "The Seller postal address (BG-5) shall contain a Seller country code (BT-40).") {
            // UBL states it on the address, CII on the document.
            $0.invoice.seller.postalAddress.map { $0.countryCode.isPresent } ?? ($0.invoice.syntax == .ubl)
        },
        Assert("BR-10", p, "An Invoice shall contain the Buyer postal address (BG-8).") { $0.invoice.buyer.postalAddress != nil },
        Assert("BR-11", p, "The Buyer postal address (BG-8) shall contain a Buyer country code (BT-55).") {
            $0.invoice.buyer.postalAddress.map { $0.countryCode.isPresent } ?? ($0.invoice.syntax == .ubl)
        },
        Assert("BR-12", p, "An Invoice shall have the Sum of Invoice line net amount (BT-106).") { $0.invoice.totals.sumOfInvoiceLineNetAmount != nil },
        Assert("BR-13", p, "An Invoice shall have the Invoice total amount without VAT (BT-109).") { $0.invoice.totals.invoiceTotalAmountWithoutVAT != nil },
        Assert("BR-14", p, "An Invoice shall have the Invoice total amount with VAT (BT-112).") { $0.invoice.totals.invoiceTotalAmountWithVAT != nil },
        Assert("BR-15", p, "An Invoice shall have the Amount due for payment (BT-115).") { $0.invoice.totals.amountDueForPayment != nil },
        Assert("BILAG-TOTALS", p, at: "BG-22", "A document shall have its document totals (BG-22: UBL cac:LegalMonetaryTotal, CII SpecifiedTradeSettlementHeaderMonetarySummation).") { $0.hasTotals },
        Assert("BR-16", p, "An Invoice shall have at least one Invoice line (BG-25).") { !$0.invoice.lines.isEmpty },
        Assert("BR-53", p, "If the VAT accounting currency code (BT-6) is present, then the Invoice total VAT amount in accounting currency (BT-111) shall be provided.") { c in
            guard let tax = c.invoice.vatAccountingCurrencyCode?.code, tax.isPresent else { return true }
            if tax == c.invoice.documentCurrencyCode?.code { return c.invoice.totals.invoiceTotalVATAmount != nil }
            return c.invoice.totals.invoiceTotalVATAmountInAccountingCurrency != nil
        },
        Assert("BR-CO-03", p, "Value added tax point date (BT-7) and Value added tax point date code (BT-8) are mutually exclusive.") { c in
            !(c.invoice.valueAddedTaxPointDate != nil && c.invoice.invoicingPeriod?.descriptionCode != nil)
        },
        Assert("BR-CO-18", p, "An Invoice shall at least have one VAT breakdown group (BG-23).") { c in
            // CII states the rule on each line.
            !c.invoice.vatBreakdown.isEmpty || (c.invoice.syntax == .cii && c.invoice.lines.isEmpty)
        },
        Assert("BR-CO-26", p, "In order for the buyer to automatically identify a supplier, the Seller identifier (BT-29), the Seller legal registration identifier (BT-30) and/or the Seller VAT identifier (BT-31) shall be present.") { c in
            let s = c.invoice.seller
            // A SEPA creditor identifier (scheme SEPA) does not identify the seller (EN 16931 validation 1.3.16).
            return s.vatIdentifier.isPresent || s.identifiers.anyBorrowed { $0.value.isPresent && $0.scheme != "SEPA" } || (s.legalRegistrationIdentifier?.value.isPresent ?? false)
        },
    ]
}
