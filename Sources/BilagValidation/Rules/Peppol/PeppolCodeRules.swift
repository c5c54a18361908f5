import BilagCore

/// PEPPOL BIS 3 code-list rules (PEPPOL-EN16931-CL001…CL008) and profile/type-code rules (P0100…P0112).
enum PeppolCodeRules {
    static let p = Profiles.peppol

    /// P0100: the invoice type codes allowed in process 01 (billing).
    static let invoiceTypeCodes01: Set<String> = ["71", "80", "82", "84", "102", "218", "219", "326", "331", "380", "382", "383", "384", "386", "388", "393", "395", "553", "575", "623", "780", "817", "870", "875", "876", "877"]
    /// P0101: the credit note type codes allowed in process 01.
    static let creditNoteTypeCodes01: Set<String> = ["381", "396", "81", "83", "532"]

    /// P0104–P0111: the VAT category each VATEX exemption reason code requires.
    static let exemptionCategory: [(id: String, code: String, category: String)] = [
        ("PEPPOL-EN16931-P0104", "VATEX-EU-G", "G"),
        ("PEPPOL-EN16931-P0105", "VATEX-EU-O", "O"),
        ("PEPPOL-EN16931-P0106", "VATEX-EU-IC", "K"),
        ("PEPPOL-EN16931-P0107", "VATEX-EU-AE", "AE"),
        ("PEPPOL-EN16931-P0108", "VATEX-EU-D", "E"),
        ("PEPPOL-EN16931-P0109", "VATEX-EU-F", "E"),
        ("PEPPOL-EN16931-P0110", "VATEX-EU-I", "E"),
        ("PEPPOL-EN16931-P0111", "VATEX-EU-J", "E"),
    ]

    static let all: [any Rule] = [
        Assert("PEPPOL-EN16931-CL001", p, at: "BT-125", "Mime code must be according to subset of IANA code list.") { c in
            c.invoice.supportingDocuments.allBorrowed { $0.attachmentMimeCode.map { CodeLists.peppolMimeCodes.contains($0) } ?? true }
        },
        PeppolReasonCodes(charges: false),
        PeppolReasonCodes(charges: true),
        Assert("PEPPOL-EN16931-CL006", p, at: "BT-8", "Invoice period description code must be according to UNCL 2005 D.16B.") { c in
            // UBL binds BT-8 to InvoicePeriod/DescriptionCode (UNCL 2005); CII's DueDateTypeCode has its own list.
            guard c.invoice.syntax == .ubl, let code = c.invoice.invoicingPeriod?.descriptionCode else { return true }
            return CodeLists.peppolVATDateCodes.contains(code)
        },
        Assert("PEPPOL-EN16931-CL008", p, at: "BT-34/BT-49", "Electronic address identifier scheme must be from the codelist \"Electronic Address Identifier Scheme\".") { c in
            // A parsed document: every cbc:EndpointID's (UBL) or party URIID's (CII) schemeID as written (` 0088 ` is
            // not 0088).
            if !c.lexical.root.isEmpty {
                return c.lexical.endpointSchemeIDs.allSatisfy { CodeLists.peppolEndpointSchemes.contains($0) }
            }
            for e in [c.invoice.seller.electronicAddress, c.invoice.buyer.electronicAddress] {
                if let scheme = e?.scheme, !CodeLists.peppolEndpointSchemes.contains(scheme) { return false }
            }
            return true
        },
        Assert("PEPPOL-EN16931-P0100", p, at: "BT-3", "Invalid invoice type code in the billing process (profile 01).") { c in
            guard PeppolProfile.number(of: c.invoice.businessProcessType) == "01", let code = c.invoice.invoiceTypeCode else { return true }
            // UBL has the code in InvoiceTypeCode (P0100) or CreditNoteTypeCode (P0101); CII allows either list.
            if c.isUBLCreditNoteRoot { return true } // P0101's business
            if c.invoice.syntax == .cii && creditNoteTypeCodes01.contains(code) { return true }
            return invoiceTypeCodes01.contains(code)
        },
        Assert("PEPPOL-EN16931-P0101", p, at: "BT-3", "Invalid credit note type code in the billing process (profile 01).") { c in
            guard c.isUBLCreditNoteRoot, PeppolProfile.number(of: c.invoice.businessProcessType) == "01", let code = c.invoice.invoiceTypeCode else { return true }
            return creditNoteTypeCodes01.contains(code)
        },
        Assert("PEPPOL-EN16931-P0112", p, at: "BT-3", "Invoice type codes 326 (partial invoice) and 384 (corrected invoice) are only allowed when both the buyer and seller are German organizations.") { c in
            guard let code = c.invoice.invoiceTypeCode, code == "326" || code == "384" else { return true }
            return c.sellerCountry == "DE" && c.buyerCountry == "DE"
        },
    ] + exemptionCategory.map { e in
        EachBreakdown(e.id, p, "When the VAT exemption reason code is \(e.code), the VAT category code MUST be \"\(e.category)\".") { b, _ in
            guard let code = b.exemptionReasonCode, code.uppercased() == e.code else { return true }
            return b.categoryCode == e.category
        }
    }
}

/// PEPPOL-EN16931-CL002 (allowance reason codes, UNCL 5189 subset) and CL003 (charge reason codes, UNCL 7161).
final class PeppolReasonCodes: Rule {
    let charges: Bool
    let id: String
    let severity = Severity.fatal
    let profiles = Profiles.peppol

    init(charges: Bool) { self.charges = charges; self.id = charges ? "PEPPOL-EN16931-CL003" : "PEPPOL-EN16931-CL002" }

    func check(_ c: ValidationContext, into issues: inout IssueList) {
        let list = charges ? CodeLists.peppolChargeReasonCodes : CodeLists.peppolAllowanceReasonCodes
        let message = charges ? "Reason code MUST be according to UNCL 7161 D.16B." : "Reason code MUST be according to subset of UNCL 5189 D.16B."
        c.invoice.allowanceCharges.each { i, ac in
            guard ac.isCharge == charges else { return }
            if let code = ac.reasonCode, !list.contains(code) { issues.add(self, message + " ('\(code)')", at: Location.allowanceCharge(i, ac)) }
        }
        c.eachLineAllowanceCharge { li, i, ac in
            guard ac.isCharge == charges else { return }
            if let code = ac.reasonCode, !list.contains(code) { issues.add(self, message + " ('\(code)')", at: Location.line(li, c.invoice.lines[li]) + "/" + Location.allowanceCharge(i, ac)) }
        }
    }
}
