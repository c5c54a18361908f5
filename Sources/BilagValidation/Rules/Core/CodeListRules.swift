import BilagCore

/// BR-CL-*: coded values come from the code lists EN 16931 names (copied from the official Schematron into
/// `CodeLists`). BR-CL-03 (currencyID on each amount, as written) is in `LexicalRules`: the model keeps one document currency.
enum CodeListRules {
    static let p = Profiles.en16931

    @inline(__always)
    static func inList(_ code: String?, _ list: Set<String>) -> Bool {
        guard let code else { return true }
        return list.contains(code)
    }

    static let all: [any Rule] = [
        Assert("BR-CL-01", p, at: "BT-3", "The document type code (BT-3) MUST be coded by the invoice and credit note related code lists of UNTDID 1001.") { c in
            guard let code = c.invoice.invoiceTypeCode else { return true }
            // UBL: an Invoice root takes the invoice list, a CreditNote root the credit-note list; CII either.
            if c.invoice.syntax == .ubl, !c.lexical.root.isEmpty {
                return c.isUBLCreditNoteRoot ? CodeLists.creditNoteTypeCodes.contains(code) : CodeLists.invoiceTypeCodes.contains(code)
            }
            return CodeLists.invoiceTypeCodes.contains(code) || CodeLists.creditNoteTypeCodes.contains(code)
        },
        Assert("BR-CL-04", p, at: "BT-5", "Invoice currency code (BT-5) MUST be coded using ISO code list 4217 alpha-3.") { c in
            inList(c.invoice.documentCurrencyCode?.code, CodeLists.currencyCodes)
        },
        Assert("BR-CL-05", p, at: "BT-6", "Tax currency code (BT-6) MUST be coded using ISO code list 4217 alpha-3.") { c in
            inList(c.invoice.vatAccountingCurrencyCode?.code, CodeLists.currencyCodes)
        },
        Assert("BR-CL-06", p, at: "BT-8", "Value added tax point date code (BT-8) MUST be coded using a restriction of UNTDID 2005 (UBL: 3, 35, 432; CII UNTDID 2475: 5, 29, 72).") { c in
            guard let code = c.invoice.invoicingPeriod?.descriptionCode else { return true }
            return c.invoice.syntax == .cii ? ["5", "29", "72"].contains(code) : CodeLists.vatDateCodes.contains(code)
        },
        Assert("BR-CL-07", p, at: "BT-18", "Object identifier identification scheme identifier MUST be coded using a restriction of UNTDID 1153.") { c in
            if let s = c.invoice.invoicedObjectIdentifier?.scheme, !CodeLists.referenceSchemes.contains(s) { return false }
            return c.invoice.lines.allBorrowed { inList($0.objectIdentifier?.scheme, CodeLists.referenceSchemes) }
        },
        Assert("BR-CL-10", p, at: "BT-29/BT-46/BT-60", "Any identifier identification scheme identifier MUST be coded using one of the ISO 6523 ICD list.") { c in
            let inv = c.invoice
            // SEPA creditor identifiers are allowed for the seller and the payee.
            return inv.seller.identifiers.allBorrowed { inList($0.scheme, CodeLists.icdSchemes) || $0.scheme == "SEPA" }
                && inv.buyer.identifiers.allBorrowed { inList($0.scheme, CodeLists.icdSchemes) }
                && (inList(inv.payee?.identifier?.scheme, CodeLists.icdSchemes) || inv.payee?.identifier?.scheme == "SEPA")
        },
        Assert("BR-CL-11", p, at: "BT-30/BT-47/BT-61", "Any registration identifier identification scheme identifier MUST be coded using one of the ISO 6523 ICD list.") { c in
            let inv = c.invoice
            return inList(inv.seller.legalRegistrationIdentifier?.scheme, CodeLists.icdSchemes)
                && inList(inv.buyer.legalRegistrationIdentifier?.scheme, CodeLists.icdSchemes)
                && inList(inv.payee?.legalRegistrationIdentifier?.scheme, CodeLists.icdSchemes)
        },
        EachLine("BR-CL-13", p, "Item classification identifier identification scheme identifier (BT-158-1) MUST be coded using one of the UNTDID 7143 list.") { l, _ in
            l.itemClassificationIdentifiers.allBorrowed { inList($0.scheme, CodeLists.itemClassificationSchemes) }
        },
        Assert("BR-CL-14", p, "Country codes in an invoice MUST be coded using ISO code list 3166-1.") { c in
            let inv = c.invoice
            return inList(inv.seller.postalAddress?.countryCode, CodeLists.countryCodes)
                && inList(inv.buyer.postalAddress?.countryCode, CodeLists.countryCodes)
                && inList(inv.sellerTaxRepresentative?.postalAddress?.countryCode, CodeLists.countryCodes)
                && inList(inv.delivery?.address?.countryCode, CodeLists.countryCodes)
        },
        EachLine("BR-CL-15", p, "Country codes in an invoice MUST be coded using ISO code list 3166-1 (BT-159).") { l, _ in inList(l.itemCountryOfOrigin, CodeLists.countryCodes) },
        EachPayment("BR-CL-16", p, "Payment means in an invoice MUST be coded using UNCL4461 code list (BT-81).") { pm, _ in inList(pm.paymentMeansTypeCode, CodeLists.paymentMeansCodes) },
        Assert("BR-CL-17", p, "Invoice tax categories (BT-95, BT-102, BT-118) MUST be coded using UNCL5305 code list.") { c in
            !c.breakdownCategories.union(c.allowanceCategories).union(c.chargeCategories).contains(.other)
        },
        Assert("BR-CL-18", p, "Invoice line tax categories (BT-151) MUST be coded using UNCL5305 code list.") { c in
            !c.lineCategories.contains(.other)
        },
        AllowanceChargeReasonCodes(charges: false),
        AllowanceChargeReasonCodes(charges: true),
        EachLine("BR-CL-21", p, "Item standard identifier scheme identifier (BT-157-1) MUST belong to the ISO 6523 ICD code list.") { l, _ in inList(l.itemStandardIdentifier?.scheme, CodeLists.icdSchemes) },
        EachBreakdown("BR-CL-22", p, "Tax exemption reason code (BT-121) MUST belong to the CEF VATEX code list.") { b, _ in
            guard let code = b.exemptionReasonCode else { return true }
            return CodeLists.vatExemptionReasonCodes.contains(code.uppercased())
        },
        UnitCodes(),
        Assert("BR-CL-24", p, at: "BT-125", "For Mime code in attribute use MIMEMediaType (application/pdf, image/png, image/jpeg, text/csv, xlsx, ods).") { c in
            c.invoice.supportingDocuments.allBorrowed { inList($0.attachmentMimeCode, CodeLists.mimeCodes) }
        },
        Assert("BR-CL-25", p, at: "BT-34/BT-49", "Endpoint identifier scheme identifier MUST belong to the CEF EAS code list.") { c in
            inList(c.invoice.seller.electronicAddress?.scheme, CodeLists.endpointSchemes) && inList(c.invoice.buyer.electronicAddress?.scheme, CodeLists.endpointSchemes)
        },
        Assert("BR-CL-26", p, at: "BT-71", "Delivery location identifier scheme identifier MUST belong to the ISO 6523 ICD code list.") { c in
            inList(c.invoice.delivery?.locationIdentifier?.scheme, CodeLists.icdSchemes)
        },
    ]
}

/// BR-CL-19 (allowance reason codes, UNCL 5189) and BR-CL-20 (charge reason codes, UNCL 7161), document and line level.
final class AllowanceChargeReasonCodes: Rule {
    let charges: Bool
    let id: String
    let severity = Severity.fatal
    let profiles = Profiles.en16931

    init(charges: Bool) { self.charges = charges; self.id = charges ? "BR-CL-20" : "BR-CL-19" }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        let list = charges ? CodeLists.chargeReasonCodes : CodeLists.allowanceReasonCodes
        func bad(_ ac: Borrowed<AllowanceCharge>) -> Bool {
            guard ac.isCharge == charges, let code = ac.reasonCode else { return false }
            return !list.contains(code)
        }
        c.invoice.allowanceCharges.each { i, ac in
            guard bad(ac) else { return }
            issues.add(self, "Coded \(charges ? "charge" : "allowance") reasons MUST belong to the \(charges ? "UNCL 7161" : "UNCL 5189") code list; '\(ac.reasonCode ?? "")' does not.", at: Location.allowanceCharge(i, ac))
        }
        c.eachLineAllowanceCharge { li, i, ac in
            guard bad(ac) else { return }
            issues.add(self, "Coded \(charges ? "charge" : "allowance") reasons MUST belong to the \(charges ? "UNCL 7161" : "UNCL 5189") code list; '\(ac.reasonCode ?? "")' does not.", at: Location.line(li, c.invoice.lines[li]) + "/" + Location.allowanceCharge(i, ac))
        }
    }
}

/// BR-CL-23: unit codes (BT-130, BT-150) from UN/ECE Recommendation 20 with Rec 21. Lines usually repeat one unit,
/// so a code just found is not looked up again.
final class UnitCodes: Rule {
    let id = "BR-CL-23"
    let severity = Severity.fatal
    let profiles = Profiles.en16931

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        var known = ""
        @inline(__always) func ok(_ code: String?) -> Bool {
            guard let code else { return true }
            if code == known { return true }
            guard CodeLists.unitCodes.contains(code) else { return false }
            known = code
            return true
        }
        c.invoice.lines.each { i, l in
            guard !(ok(l.invoicedQuantityUnitCode) && ok(l.itemPriceBaseQuantityUnitCode)) else { return }
            issues.add(self, "Unit code (BT-130, BT-150) MUST be coded according to the UN/ECE Recommendation 20 with Rec 21 extension.", at: Location.line(i, l))
        }
    }
}
