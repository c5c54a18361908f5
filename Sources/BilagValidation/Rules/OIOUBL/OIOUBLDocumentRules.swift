import BilagCore

/// The OIOUBL rules on the document element as the official OIOUBL Schematron (release 1.12.2) states them:
/// UBLVersionID, CustomizationID, ProfileID by its scheme, the invoice number, the document currency (present, from
/// the code list, and the `currencyID` of the totals equal to it), the invoice type code list, the TaxTotal, the
/// order reference.
enum OIOUBLDocumentRules {
    static let currencyElements: [StaticString] = ["DocumentCurrencyCode", "TaxCurrencyCode", "PricingCurrencyCode", "PaymentCurrencyCode", "PaymentAlternativeCurrencyCode"]

    /// `/*/path[@currencyID][@currencyID != string(current())]` for each `cbc:DocumentCurrencyCode`.
    /// `anyAmount(p)`: whether `p` holds for one of the amounts (the amounts are walked, not gathered).
    static func currencyID(_ doc: WrittenElement, _ at: inout [String], _ place: String, _ anyAmount: ((WrittenElement) -> Bool) -> Bool) {
        doc.forEach("DocumentCurrencyCode") { code in
            let currency = code.textBytes
            let differs = anyAmount { a in
                guard let c = a.attributeBytes("currencyID") else { return false }
                return !XPath.same(c, currency)
            }
            if differs { at.append(place) }
        }
    }

    static func profileRule(_ scheme: String, _ id: String) -> any Rule {
        // The scheme's list is looked up once, here, not for every document by each of the six rules.
        let listed = OIOUBLCodeLists.profilesByScheme[scheme]
        return WrittenRule(id, "Invalid ProfileID for its schemeID (\(scheme))") { doc, at in
            guard let (_, list, set) = listed else { return }
            guard doc.attributeEq("ProfileID", "schemeID", scheme) else { return }
            if !OIOUBLCodeLists.listed(doc.string("ProfileID"), in: list, set: set) { at.append("cbc:ProfileID") }
        }
    }

    static let all: [any Rule] = [
        WrittenRule("F-LIB001", "Invalid UBLVersionID. Must be '2.0' or '2.1'") { doc, at in
            if !(doc.eq("UBLVersionID", "2.0") || doc.eq("UBLVersionID", "2.1")) { at.append("cbc:UBLVersionID") }
        },
        WrittenRule("F-LIB002", "Invalid CustomizationID. Must be either 'OIOUBL-2.0', 'OIOUBL-2.01', 'OIOUBL-2.02' or 'OIOUBL-2.1'") { doc, at in
            if !["OIOUBL-2.0", "OIOUBL-2.01", "OIOUBL-2.02", "OIOUBL-2.1"].contains(where: { doc.eq("CustomizationID", $0) }) { at.append("cbc:CustomizationID") }
        },
    ]
    + OIOUBLCodeLists.profilesByScheme.sorted { $0.value.rule < $1.value.rule }.map { profileRule($0.key, $0.value.rule) }
    + WrittenRule.pair("F-INV009", "F-CRN006", "Invalid ID (the document number). Must contain a value.") { doc, at in
        if doc.isBlank("ID") { at.append("cbc:ID") }
    }
    + WrittenRule.pair("F-INV007", "F-CRN004", "Invalid DocumentCurrencyCode. Must contain a value") { doc, at in
        if !doc.ne("DocumentCurrencyCode", "") { at.append("cbc:DocumentCurrencyCode") }
    }
    + WrittenRule.pair("F-INV008", "F-CRN005", "At least one TaxTotal class must be present") { doc, at in
        if doc.count("TaxTotal") == 0 { at.append("cac:TaxTotal") }
    }
    + [
        WrittenRule("F-LIB298", "Invalid CurrencyCode (not in the ISO 4217 list)") { doc, at in
            for name in currencyElements {
                doc.forEach(name) { e in
                    if !OIOUBLCodeLists.listed(e.text, in: OIOUBLCodeLists.currencyCodes, set: OIOUBLCodeLists.currencySet) { at.append(e.name) }
                }
            }
        },
        WrittenRule("F-INV011", .invoice, "Invalid InvoiceTypeCode (list urn:oioubl:codelist:invoicetypecode-1.1: 325, 380, 393)") { doc, at in
            for c in doc.children("InvoiceTypeCode") where c.attribute("listID") == "urn:oioubl:codelist:invoicetypecode-1.1" && !["325", "380", "393"].contains(c.text) {
                at.append("cbc:InvoiceTypeCode")
            }
        },
        WrittenRule("F-INV337", .invoice, "Invalid InvoiceTypeCode (list urn:oioubl:codelist:invoicetypecode-1.2: 325, 380, 390, 393)") { doc, at in
            for c in doc.children("InvoiceTypeCode") where c.attribute("listID") == "urn:oioubl:codelist:invoicetypecode-1.2" && !["325", "380", "390", "393"].contains(c.text) {
                at.append("cbc:InvoiceTypeCode")
            }
        },
    ]
    + WrittenRule.pair("F-INV012", "F-CRN007", "There is a LineExtensionAmount for one or more lines where the currencyID does not equal the DocumentCurrencyCode") { doc, at in
        currencyID(doc, &at, "cbc:LineExtensionAmount") { p in doc.lines.contains { $0.anyChild("LineExtensionAmount", p) } }
    }
    + WrittenRule.pair("F-INV013", "F-CRN008", "There is a LineExtensionAmount where the currencyID does not equal the DocumentCurrencyCode") { doc, at in
        currencyID(doc, &at, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount") { p in OIOUBLPlaces.totals(doc).contains { $0.anyChild("LineExtensionAmount", p) } }
    }
    + WrittenRule.pair("F-INV014", "F-CRN009", "There is a PayableAmount where the currencyID does not equal the DocumentCurrencyCode") { doc, at in
        currencyID(doc, &at, "cac:LegalMonetaryTotal/cbc:PayableAmount") { p in OIOUBLPlaces.totals(doc).contains { $0.anyChild("PayableAmount", p) } }
    }
    + WrittenRule.pair("F-INV024", "F-CRN022", "Invalid OrderReference/ID. Must contain a value.") { doc, at in
        doc.forEach("OrderReference") { o in if o.isBlank("ID") { at.append("cac:OrderReference/cbc:ID") } }
    }
    + [
        WrittenRule("F-INV142", .invoice, "Invoice/OrderReference is mandatory when OrderLineReference class is present") { doc, at in
            if !doc.has("OrderReference"), doc.lines.contains(where: { $0.has("OrderLineReference") }) { at.append("cac:OrderReference") }
        },
    ]
}
