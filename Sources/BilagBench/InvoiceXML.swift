import BilagCore
import Foundation

/// Writes a `GeneratedInvoice` as PEPPOL BIS 3 UBL (Invoice or CreditNote) or OIOUBL 2.1, elements in schema order,
/// indented as real senders' files are.
enum InvoiceXML {
    static let bis3Customization = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    static let bis3Profile = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    static let nsInvoice = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    static let nsCreditNote = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
    static let nsCAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    static let nsCBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

    static func render(_ g: GeneratedInvoice) -> Data {
        var w = Writer()
        switch g.format {
        case .peppolInvoice, .peppolCreditNote: bis3(g, &w)
        case .oioublInvoice: oioubl(g, &w)
        }
        return Data(w.out.utf8)
    }

    // MARK: PEPPOL BIS Billing 3.0

    static func bis3(_ g: GeneratedInvoice, _ w: inout Writer) {
        let credit = g.format == .peppolCreditNote
        let root = credit ? "CreditNote" : "Invoice"
        w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        w.raw("<\(root) xmlns=\"\(credit ? nsCreditNote : nsInvoice)\" xmlns:cac=\"\(nsCAC)\" xmlns:cbc=\"\(nsCBC)\">\n")
        w.depth = 1
        w.el("cbc:CustomizationID", bis3Customization)
        w.el("cbc:ProfileID", bis3Profile)
        w.el("cbc:ID", g.number)
        w.el("cbc:IssueDate", g.issueDate.description)
        if !credit { w.el("cbc:DueDate", g.dueDate.description) }
        w.el(credit ? "cbc:CreditNoteTypeCode" : "cbc:InvoiceTypeCode", credit ? "381" : "380")
        if let n = g.note { w.el("cbc:Note", n) }
        w.el("cbc:DocumentCurrencyCode", "DKK")
        if let b = g.buyerReference { w.el("cbc:BuyerReference", b) }
        if let o = g.orderReference { w.open("cac:OrderReference"); w.el("cbc:ID", o); w.close("cac:OrderReference") }
        if let c = g.creditedInvoice {
            w.open("cac:BillingReference"); w.open("cac:InvoiceDocumentReference")
            w.el("cbc:ID", c)
            w.close("cac:InvoiceDocumentReference"); w.close("cac:BillingReference")
        }

        let s = g.supplier
        w.open("cac:AccountingSupplierParty"); w.open("cac:Party")
        w.el("cbc:EndpointID", s.gln, attr: ("schemeID", "0088"))
        w.open("cac:PartyIdentification"); w.el("cbc:ID", s.cvr, attr: ("schemeID", "0184")); w.close("cac:PartyIdentification")
        w.open("cac:PartyName"); w.el("cbc:Name", s.name); w.close("cac:PartyName")
        bis3Address(s.street, s.city, s.postCode, &w)
        w.open("cac:PartyTaxScheme"); w.el("cbc:CompanyID", s.vatNumber); w.open("cac:TaxScheme"); w.el("cbc:ID", "VAT"); w.close("cac:TaxScheme"); w.close("cac:PartyTaxScheme")
        w.open("cac:PartyLegalEntity"); w.el("cbc:RegistrationName", s.name); w.el("cbc:CompanyID", s.cvr, attr: ("schemeID", "0184")); w.close("cac:PartyLegalEntity")
        w.open("cac:Contact"); w.el("cbc:Name", s.contactName); w.el("cbc:Telephone", s.phone); w.el("cbc:ElectronicMail", s.email); w.close("cac:Contact")
        w.close("cac:Party"); w.close("cac:AccountingSupplierParty")

        let b = g.buyer
        w.open("cac:AccountingCustomerParty"); w.open("cac:Party")
        w.el("cbc:EndpointID", b.ean, attr: ("schemeID", "0088"))
        w.open("cac:PartyIdentification"); w.el("cbc:ID", b.ean, attr: ("schemeID", "0088")); w.close("cac:PartyIdentification")
        w.open("cac:PartyName"); w.el("cbc:Name", b.name); w.close("cac:PartyName")
        bis3Address(b.street, b.city, b.postCode, &w)
        w.open("cac:PartyLegalEntity"); w.el("cbc:RegistrationName", b.municipality); w.el("cbc:CompanyID", b.cvr, attr: ("schemeID", "0184")); w.close("cac:PartyLegalEntity")
        w.open("cac:Contact"); w.el("cbc:Name", b.contactName); w.close("cac:Contact")
        w.close("cac:Party"); w.close("cac:AccountingCustomerParty")

        w.open("cac:Delivery"); w.el("cbc:ActualDeliveryDate", g.deliveryDate.description); w.close("cac:Delivery")

        if !credit {
            w.open("cac:PaymentMeans")
            w.el("cbc:PaymentMeansCode", g.paymentMeansCode)
            w.el("cbc:PaymentID", g.number)
            w.open("cac:PayeeFinancialAccount")
            if g.paymentMeansCode == "58" {
                w.el("cbc:ID", s.iban)
                w.el("cbc:Name", s.name)
            } else {
                w.el("cbc:ID", s.bankAccount)
                w.el("cbc:Name", s.name)
                w.open("cac:FinancialInstitutionBranch"); w.el("cbc:ID", s.bankRegistration); w.close("cac:FinancialInstitutionBranch")
            }
            w.close("cac:PayeeFinancialAccount")
            w.close("cac:PaymentMeans")
        }
        w.open("cac:PaymentTerms")
        w.el("cbc:Note", credit ? "Beløbet modregnes i næste betaling" : "Netto \(g.issueDate.days(until: g.dueDate)) dage")
        w.close("cac:PaymentTerms")

        if let a = g.allowance {
            w.open("cac:AllowanceCharge")
            w.el("cbc:ChargeIndicator", "false")
            w.el("cbc:AllowanceChargeReasonCode", "95")
            w.el("cbc:AllowanceChargeReason", a.reason)
            w.el("cbc:MultiplierFactorNumeric", String(a.percent))
            w.money("cbc:Amount", a.amount)
            w.money("cbc:BaseAmount", a.base)
            bis3Category(.standard, nil, "cac:TaxCategory", &w)
            w.close("cac:AllowanceCharge")
        }

        w.open("cac:TaxTotal")
        w.money("cbc:TaxAmount", g.vat)
        for st in g.subtotals {
            w.open("cac:TaxSubtotal")
            w.money("cbc:TaxableAmount", st.taxable)
            w.money("cbc:TaxAmount", st.tax)
            bis3Category(st.category, st.exemptionReason, "cac:TaxCategory", &w)
            w.close("cac:TaxSubtotal")
        }
        w.close("cac:TaxTotal")

        w.open("cac:LegalMonetaryTotal")
        w.money("cbc:LineExtensionAmount", g.lineExtension)
        w.money("cbc:TaxExclusiveAmount", g.taxExclusive)
        w.money("cbc:TaxInclusiveAmount", g.taxInclusive)
        if g.allowance != nil { w.money("cbc:AllowanceTotalAmount", g.allowanceTotal) }
        w.money("cbc:PayableAmount", g.payable)
        w.close("cac:LegalMonetaryTotal")

        let lineTag = credit ? "cac:CreditNoteLine" : "cac:InvoiceLine"
        for l in g.lines {
            w.open(lineTag)
            w.el("cbc:ID", String(l.id))
            w.el(credit ? "cbc:CreditedQuantity" : "cbc:InvoicedQuantity", quantity(l.quantityHundredths), attr: ("unitCode", l.unit))
            w.money("cbc:LineExtensionAmount", l.net)
            if g.orderReference != nil { w.open("cac:OrderLineReference"); w.el("cbc:LineID", String(l.id)); w.close("cac:OrderLineReference") }
            w.open("cac:Item")
            w.el("cbc:Name", l.name)
            w.open("cac:SellersItemIdentification"); w.el("cbc:ID", l.sellersItemID); w.close("cac:SellersItemIdentification")
            bis3Category(l.vat, nil, "cac:ClassifiedTaxCategory", &w)
            w.close("cac:Item")
            w.open("cac:Price")
            w.money("cbc:PriceAmount", l.price)
            w.el("cbc:BaseQuantity", "1", attr: ("unitCode", l.unit))
            w.close("cac:Price")
            w.close(lineTag)
        }
        w.depth = 0
        w.raw("</\(root)>\n")
    }

    static func bis3Address(_ street: String, _ city: String, _ postCode: String, _ w: inout Writer) {
        w.open("cac:PostalAddress")
        w.el("cbc:StreetName", street)
        w.el("cbc:CityName", city)
        w.el("cbc:PostalZone", postCode)
        w.open("cac:Country"); w.el("cbc:IdentificationCode", "DK"); w.close("cac:Country")
        w.close("cac:PostalAddress")
    }

    static func bis3Category(_ c: VATCategory, _ exemption: String?, _ tag: String, _ w: inout Writer) {
        w.open(tag)
        w.el("cbc:ID", c.rawValue)
        w.el("cbc:Percent", String(c.percent))
        if c == .exempt, let e = exemption { w.el("cbc:TaxExemptionReason", e) }
        w.open("cac:TaxScheme"); w.el("cbc:ID", "VAT"); w.close("cac:TaxScheme")
        w.close(tag)
    }

    // MARK: OIOUBL 2.1

    /// The unit as OIOUBL 2.1's older UN/ECE Rec 20 list has it (F-LIB318): `EA` for a piece, `KTM` for a kilometre.
    static func oioublUnit(_ unit: String) -> String {
        switch unit {
        case "H87", "C62": return "EA"
        case "KMT": return "KTM"
        default: return unit
        }
    }

    static func oioubl(_ g: GeneratedInvoice, _ w: inout Writer) {
        w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        w.raw("<Invoice xmlns=\"\(nsInvoice)\" xmlns:cac=\"\(nsCAC)\" xmlns:cbc=\"\(nsCBC)\">\n")
        w.depth = 1
        w.el("cbc:UBLVersionID", "2.1")
        w.el("cbc:CustomizationID", "OIOUBL-2.1")
        w.el("cbc:ProfileID", "urn:www.nesubl.eu:profiles:profile5:ver2.0", attrs: [("schemeAgencyID", "320"), ("schemeID", "urn:oioubl:id:profileid-1.2")])
        w.el("cbc:ID", g.number)
        w.el("cbc:CopyIndicator", "false")
        w.el("cbc:UUID", g.uuid)
        w.el("cbc:IssueDate", g.issueDate.description)
        w.el("cbc:InvoiceTypeCode", "380", attrs: [("listAgencyID", "320"), ("listID", "urn:oioubl:codelist:invoicetypecode-1.1")])
        if let n = g.note { w.el("cbc:Note", n) }
        w.el("cbc:DocumentCurrencyCode", "DKK")
        w.open("cac:OrderReference")
        w.el("cbc:ID", g.orderReference ?? "NA")
        w.close("cac:OrderReference")

        let s = g.supplier
        w.open("cac:AccountingSupplierParty"); w.open("cac:Party")
        w.el("cbc:EndpointID", s.gln, attr: ("schemeID", "GLN"))
        w.open("cac:PartyIdentification"); w.el("cbc:ID", "DK" + s.cvr, attr: ("schemeID", "DK:CVR")); w.close("cac:PartyIdentification")
        w.open("cac:PartyName"); w.el("cbc:Name", s.name); w.close("cac:PartyName")
        oioublAddress(s.street, s.city, s.postCode, &w)
        w.open("cac:PartyTaxScheme")
        w.el("cbc:CompanyID", s.vatNumber, attr: ("schemeID", "DK:SE"))
        oioublTaxScheme(&w)
        w.close("cac:PartyTaxScheme")
        w.open("cac:PartyLegalEntity"); w.el("cbc:RegistrationName", s.name); w.el("cbc:CompanyID", "DK" + s.cvr, attr: ("schemeID", "DK:CVR")); w.close("cac:PartyLegalEntity")
        w.open("cac:Contact"); w.el("cbc:ID", "1"); w.el("cbc:Name", s.contactName); w.el("cbc:Telephone", s.phone); w.el("cbc:ElectronicMail", s.email); w.close("cac:Contact")
        w.close("cac:Party"); w.close("cac:AccountingSupplierParty")

        let b = g.buyer
        w.open("cac:AccountingCustomerParty"); w.open("cac:Party")
        w.el("cbc:EndpointID", b.ean, attr: ("schemeID", "GLN"))
        w.open("cac:PartyIdentification"); w.el("cbc:ID", b.ean, attr: ("schemeID", "GLN")); w.close("cac:PartyIdentification")
        w.open("cac:PartyName"); w.el("cbc:Name", b.name); w.close("cac:PartyName")
        oioublAddress(b.street, b.city, b.postCode, &w)
        w.open("cac:PartyLegalEntity"); w.el("cbc:RegistrationName", b.municipality); w.el("cbc:CompanyID", "DK" + b.cvr, attr: ("schemeID", "DK:CVR")); w.close("cac:PartyLegalEntity")
        // OIOUBL's person reference (Contact/ID) is mandatory; it carries the buyer reference.
        w.open("cac:Contact"); w.el("cbc:ID", g.buyerReference ?? "NA"); w.el("cbc:Name", b.contactName); w.close("cac:Contact")
        w.close("cac:Party"); w.close("cac:AccountingCustomerParty")

        w.open("cac:Delivery"); w.el("cbc:ActualDeliveryDate", g.deliveryDate.description); w.close("cac:Delivery")

        w.open("cac:PaymentMeans")
        w.el("cbc:ID", "1")
        w.el("cbc:PaymentMeansCode", "42")
        w.el("cbc:PaymentDueDate", g.dueDate.description)
        w.el("cbc:PaymentChannelCode", "DK:BANK", attrs: [("listAgencyID", "320"), ("listID", "urn:oioubl:codelist:paymentchannelcode-1.1")])
        w.open("cac:PayeeFinancialAccount")
        w.el("cbc:ID", s.bankAccount)
        w.el("cbc:PaymentNote", g.number)
        w.open("cac:FinancialInstitutionBranch"); w.el("cbc:ID", s.bankRegistration); w.close("cac:FinancialInstitutionBranch")
        w.close("cac:PayeeFinancialAccount")
        w.close("cac:PaymentMeans")

        if let a = g.allowance {
            w.open("cac:AllowanceCharge")
            w.el("cbc:ID", "1")
            w.el("cbc:ChargeIndicator", "false")
            w.el("cbc:AllowanceChargeReason", a.reason)
            w.el("cbc:SequenceNumeric", "1")
            w.money("cbc:Amount", a.amount)
            oioublCategory(.standard, "cac:TaxCategory", &w)
            w.close("cac:AllowanceCharge")
        }

        w.open("cac:TaxTotal")
        w.money("cbc:TaxAmount", g.vat)
        for st in g.subtotals {
            w.open("cac:TaxSubtotal")
            w.money("cbc:TaxableAmount", st.taxable)
            w.money("cbc:TaxAmount", st.tax)
            oioublCategory(st.category, "cac:TaxCategory", &w)
            w.close("cac:TaxSubtotal")
        }
        w.close("cac:TaxTotal")

        // OIOUBL's TaxExclusiveAmount holds the total VAT (its own meaning of the element).
        w.open("cac:LegalMonetaryTotal")
        w.money("cbc:LineExtensionAmount", g.lineExtension)
        w.money("cbc:TaxExclusiveAmount", g.vat)
        w.money("cbc:TaxInclusiveAmount", g.taxInclusive)
        if g.allowance != nil { w.money("cbc:AllowanceTotalAmount", g.allowanceTotal) }
        w.money("cbc:PayableAmount", g.payable)
        w.close("cac:LegalMonetaryTotal")

        for l in g.lines {
            w.open("cac:InvoiceLine")
            w.el("cbc:ID", String(l.id))
            w.el("cbc:InvoicedQuantity", quantity(l.quantityHundredths), attr: ("unitCode", oioublUnit(l.unit)))
            w.money("cbc:LineExtensionAmount", l.net)
            if let _ = g.orderReference { w.open("cac:OrderLineReference"); w.el("cbc:LineID", String(l.id)); w.close("cac:OrderLineReference") }
            let tax = InvoiceGenerator.divRound(l.net * Int64(l.vat.percent), 100)
            w.open("cac:TaxTotal")
            w.money("cbc:TaxAmount", tax)
            w.open("cac:TaxSubtotal")
            w.money("cbc:TaxableAmount", l.net)
            w.money("cbc:TaxAmount", tax)
            oioublCategory(l.vat, "cac:TaxCategory", &w)
            w.close("cac:TaxSubtotal")
            w.close("cac:TaxTotal")
            w.open("cac:Item")
            w.el("cbc:Description", l.name)
            w.el("cbc:Name", String(l.name.prefix(40)))
            w.open("cac:SellersItemIdentification"); w.el("cbc:ID", l.sellersItemID); w.close("cac:SellersItemIdentification")
            oioublCategory(l.vat, "cac:ClassifiedTaxCategory", &w)
            w.close("cac:Item")
            w.open("cac:Price")
            w.money("cbc:PriceAmount", l.price)
            w.el("cbc:BaseQuantity", "1", attr: ("unitCode", oioublUnit(l.unit)))
            w.close("cac:Price")
            w.close("cac:InvoiceLine")
        }
        w.depth = 0
        w.raw("</Invoice>\n")
    }

    static func oioublAddress(_ street: String, _ city: String, _ postCode: String, _ w: inout Writer) {
        // StructuredDK: street name and building number apart.
        var name = street, number: String?
        if let space = street.lastIndex(of: " "), street[street.index(after: space)...].allSatisfy(\.isNumber) {
            name = String(street[..<space]); number = String(street[street.index(after: space)...])
        }
        w.open("cac:PostalAddress")
        w.el("cbc:AddressFormatCode", "StructuredDK", attrs: [("listAgencyID", "320"), ("listID", "urn:oioubl:codelist:addressformatcode-1.1")])
        w.el("cbc:StreetName", name)
        if let number { w.el("cbc:BuildingNumber", number) }
        w.el("cbc:CityName", city)
        w.el("cbc:PostalZone", postCode)
        w.open("cac:Country"); w.el("cbc:IdentificationCode", "DK"); w.close("cac:Country")
        w.close("cac:PostalAddress")
    }

    static func oioublTaxScheme(_ w: inout Writer) {
        w.open("cac:TaxScheme")
        w.el("cbc:ID", "63", attrs: [("schemeAgencyID", "320"), ("schemeID", "urn:oioubl:id:taxschemeid-1.5")])
        w.el("cbc:Name", "Moms")
        w.close("cac:TaxScheme")
    }

    static func oioublCategory(_ c: VATCategory, _ tag: String, _ w: inout Writer) {
        w.open(tag)
        w.el("cbc:ID", c.oioublID, attrs: [("schemeAgencyID", "320"), ("schemeID", "urn:oioubl:id:taxcategoryid-1.1")])
        w.el("cbc:Percent", String(c.percent))
        oioublTaxScheme(&w)
        w.close(tag)
    }

    // MARK: text

    /// Øre as a decimal with two places: 123456 → "1234.56".
    static func money(_ ore: Int64) -> String {
        let neg = ore < 0
        let m = ore.magnitude
        let frac = m % 100
        return (neg ? "-" : "") + String(m / 100) + "." + (frac < 10 ? "0" : "") + String(frac)
    }

    /// Hundredths as the shortest decimal: 300 → "3", 250 → "2.5", 225 → "2.25".
    static func quantity(_ h: Int64) -> String {
        let whole = h / 100, frac = h % 100
        if frac == 0 { return String(whole) }
        if frac % 10 == 0 { return "\(whole).\(frac / 10)" }
        return "\(whole).\(frac < 10 ? "0" : "")\(frac)"
    }

    /// A small indenting writer.
    struct Writer {
        var out = ""
        var depth = 0
        init() { out.reserveCapacity(8192) }

        mutating func raw(_ s: String) { out += s }
        mutating func indent() { for _ in 0..<depth { out += "  " } }
        mutating func open(_ tag: String) { indent(); out += "<" + tag + ">\n"; depth += 1 }
        mutating func close(_ tag: String) { depth -= 1; indent(); out += "</" + tag + ">\n" }
        mutating func el(_ tag: String, _ text: String) {
            indent(); out += "<" + tag + ">"; out += XMLEscape.text(text); out += "</" + tag + ">\n"
        }
        mutating func el(_ tag: String, _ text: String, attr: (String, String)) { el(tag, text, attrs: [attr]) }
        mutating func el(_ tag: String, _ text: String, attrs: [(String, String)]) {
            indent(); out += "<" + tag
            for (k, v) in attrs { out += " " + k + "=\"" + XMLEscape.text(v) + "\"" }
            out += ">" + XMLEscape.text(text) + "</" + tag + ">\n"
        }
        mutating func money(_ tag: String, _ ore: Int64) { el(tag, InvoiceXML.money(ore), attr: ("currencyID", "DKK")) }

    }
}
