import BilagCore

/// OIOUBL 2.x mandatory elements (`OIOUBL-MAND-*`).
///
/// bilag's own rules for what it needs to book a Danish invoice safely (who, what, when, how much), kept until the
/// official OIOUBL Schematron rules (F-INV/F-CRN/F-LIB) covering the same ground replace them; rules the official
/// ones do not raise (ProfileID, postal address, TaxInclusiveAmount required) are gone (docs/validation.md).
enum OIOUBLMandatoryRules {
    static let p = Profiles.oioubl
    /// OIOUBL invoice type codes (code list `urn:oioubl:codelist:invoicetypecode-1.1`/`-1.2`): proforma, commercial, factored.
    static let invoiceTypeCodes: Set<String> = ["325", "380", "393"]

    static let all: [any Rule] = [
        Assert("OIOUBL-MAND-02", p, at: "cbc:ID", "An OIOUBL document shall have an ID (the invoice number).") { $0.invoice.invoiceNumber.isPresent },
        Assert("OIOUBL-MAND-03", p, at: "cbc:IssueDate", "An OIOUBL document shall have an IssueDate.") { $0.invoice.issueDate != nil },
        Assert("OIOUBL-MAND-04", p, at: "cbc:InvoiceTypeCode", "An OIOUBL invoice shall have an InvoiceTypeCode of 325, 380 or 393.") { c in
            // OIOUBL credit notes (UBL 2.0 CreditNote) carry no type code.
            // By the root element: an Invoice with 381 is refused (the official F-INV011 list is 325, 380, 393).
            if c.isUBLCreditNoteRoot && c.invoice.invoiceTypeCode == nil { return true }
            guard let code = c.invoice.invoiceTypeCode else { return false }
            return invoiceTypeCodes.contains(code) || (c.isUBLCreditNoteRoot && code == "381")
        },
        Assert("OIOUBL-MAND-05", p, at: "cbc:DocumentCurrencyCode", "An OIOUBL document shall have a DocumentCurrencyCode.") { $0.invoice.documentCurrencyCode?.code.isPresent ?? false },
        Assert("OIOUBL-MAND-06", p, at: "cac:AccountingSupplierParty/cac:Party/cbc:EndpointID", "The supplier shall have an EndpointID with a schemeID (GLN, DK:CVR, DK:CPR…).") { c in
            guard let e = c.invoice.seller.electronicAddress else { return false }
            return e.value.isPresent && e.scheme.isPresent
        },
        Assert("OIOUBL-MAND-07", p, at: "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID", "The supplier shall have a legal registration (PartyLegalEntity/CompanyID: CVR or CPR number).") { c in
            c.invoice.seller.legalRegistrationIdentifier?.value.isPresent ?? false
        },
        Assert("OIOUBL-MAND-08", p, at: "cac:AccountingSupplierParty/cac:Party", "The supplier shall have a name (PartyName/Name or PartyLegalEntity/RegistrationName) or a PartyIdentification.") { c in
            c.invoice.seller.name.isPresent || c.invoice.seller.tradingName.isPresent || !c.invoice.seller.identifiers.isEmpty
        },
        Assert("OIOUBL-MAND-10", p, at: "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", "The customer shall have an EndpointID with a schemeID (GLN, DK:CVR…).") { c in
            guard let e = c.invoice.buyer.electronicAddress else { return false }
            return e.value.isPresent && e.scheme.isPresent
        },
        Assert("OIOUBL-MAND-11", p, at: "cac:AccountingCustomerParty/cac:Party", "The customer shall have a name (PartyName/Name or PartyLegalEntity/RegistrationName) or a PartyIdentification.") { c in
            c.invoice.buyer.name.isPresent || c.invoice.buyer.tradingName.isPresent || !c.invoice.buyer.identifiers.isEmpty
        },
        Assert("OIOUBL-MAND-12", p, at: "cac:InvoiceLine", "An OIOUBL document shall have at least one line.") { !$0.invoice.lines.isEmpty },
        EachLine("OIOUBL-MAND-13", p, "Each line shall have an ID, a quantity with a unit code and a LineExtensionAmount.") { l, _ in
            l.identifier.isPresent && l.invoicedQuantity != nil && l.invoicedQuantityUnitCode != nil && l.netAmount != nil
        },
        Assert("F-INV139", p, at: "cac:InvoiceLine/cac:Price", "One Price class must be present (each InvoiceLine has exactly one cac:Price).") { c in
            c.isUBLCreditNoteRoot || (c.lexical.oioubl?.linesWithoutOnePrice ?? 0) == 0
        },
        Assert("OIOUBL-MAND-14", p, at: "cac:LegalMonetaryTotal", "LegalMonetaryTotal shall have LineExtensionAmount and PayableAmount.") { c in
            let t = c.invoice.totals
            return t.sumOfInvoiceLineNetAmount != nil && t.amountDueForPayment != nil
        },
        Assert("OIOUBL-MAND-15", p, at: "cac:TaxTotal", "An OIOUBL document shall have a TaxTotal with at least one TaxSubtotal.") { !$0.invoice.vatBreakdown.isEmpty },
        EachBreakdown("OIOUBL-MAND-16", p, "Each TaxSubtotal shall have a TaxableAmount, a TaxAmount and a TaxCategory ID.") { b, _ in
            b.taxableAmount != nil && b.taxAmount != nil && b.categoryCode.isPresent
        },
    ]
}
