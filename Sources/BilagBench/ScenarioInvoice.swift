import BilagCore
import Foundation

/// A PEPPOL BIS 3 invoice for robot scenarios: the fields robots look at, everything else valid and consistent.
public struct ScenarioInvoice {
    public init() {}
    public var number = "S-1"
    public var issueDate = "2026-11-02"
    public var dueDate: String?
    public var sellerCVR = "12345607"
    public var sellerName = "Lægehuset Algade"
    public var buyerEAN = "5798000000018"
    public var buyerName = "Roskilde Kommune"
    public var note: String?
    public var buyerReference: String?
    public var orderReference: String?
    public var contractReference: String?
    public var objectID: String?
    public var periodStart: String?
    public var periodEnd: String?
    public var currency = "DKK"
    public var creditNote = false
    /// OIOUBL 2.1 instead of PEPPOL BIS 3 (an invoice; OIOUBL credit notes are not generated).
    public var oioubl = false
    /// OIOUBL's buyer contact ID (`cac:AccountingCustomerParty/cac:Party/cac:Contact/cbc:ID`), which Danish public
    /// buyers use as their internal reference; in OIOUBL it defaults to `buyerReference` (OIOUBL has no BT-10).
    public var buyerContactID: String?
    /// Free text on the first line: its note (BT-127), item description (BT-154) and seller's item ID (BT-155).
    public var lineNote: String?
    public var lineDescription: String?
    public var sellersItemID: String?
    /// (name, quantity, unit price, VAT percent)
    public var lines: [(String, String, String, String)] = [("Ydelse", "1", "100.00", "25")]

    /// One line at this net amount and VAT rate.
    public mutating func amount(_ net: String, vat: String = "0") { lines = [("Ydelse", "1", net, vat)] }

    /// The net total, the VAT total and the net per VAT rate.
    var totals: (net: Amount, vat: Amount, groups: [String: Amount]) {
        func dec(_ s: String) -> Amount { Amount(parsing: s)! }
        var net = Amount.zero, vat = Amount.zero
        var groups: [String: Amount] = [:]
        for (_, q, p, r) in lines {
            let ext = (dec(q) * dec(p)).rounded(2)
            net = net + ext
            groups[r, default: .zero] = groups[r, default: .zero] + ext
        }
        for (r, base) in groups { vat = vat + (base * dec(r) / 100).rounded(2) }
        return (net, vat, groups)
    }

    public var xml: String {
        if oioubl && !creditNote { return oioublXML }
        let root = creditNote ? "CreditNote" : "Invoice"
        func dec(_ s: String) -> Amount { Amount(parsing: s)! }
        let (net, vat, groups) = totals
        var x = """
        <?xml version="1.0" encoding="UTF-8"?>
        <\(root) xmlns="urn:oasis:names:specification:ubl:schema:xsd:\(root)-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
        <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
        <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
        <cbc:ID>\(number)</cbc:ID>
        <cbc:IssueDate>\(issueDate)</cbc:IssueDate>

        """
        if !creditNote { x += "<cbc:DueDate>\(dueDate ?? issueDate)</cbc:DueDate>\n<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>\n" } else { x += "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>\n" }
        if let note { x += "<cbc:Note>\(note)</cbc:Note>\n" }
        x += "<cbc:DocumentCurrencyCode>\(currency)</cbc:DocumentCurrencyCode>\n<cbc:BuyerReference>\(buyerReference ?? "n/a")</cbc:BuyerReference>\n"
        if let s = periodStart, let e = periodEnd { x += "<cac:InvoicePeriod><cbc:StartDate>\(s)</cbc:StartDate><cbc:EndDate>\(e)</cbc:EndDate></cac:InvoicePeriod>\n" }
        if let orderReference { x += "<cac:OrderReference><cbc:ID>\(orderReference)</cbc:ID></cac:OrderReference>\n" }
        if creditNote { x += "<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>ORIGINAL</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>\n" }
        if let contractReference { x += "<cac:ContractDocumentReference><cbc:ID>\(contractReference)</cbc:ID></cac:ContractDocumentReference>\n" }
        if let objectID { x += "<cac:AdditionalDocumentReference><cbc:ID schemeID=\"AUN\">\(objectID)</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>\n" }
        x += """
        <cac:AccountingSupplierParty><cac:Party><cbc:EndpointID schemeID="0184">\(sellerCVR)</cbc:EndpointID><cac:PartyName><cbc:Name>\(sellerName)</cbc:Name></cac:PartyName>
        <cac:PostalAddress><cbc:StreetName>Algade 1</cbc:StreetName><cbc:CityName>Roskilde</cbc:CityName><cbc:PostalZone>4000</cbc:PostalZone><cac:Country><cbc:IdentificationCode>DK</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
        <cac:PartyTaxScheme><cbc:CompanyID>DK\(sellerCVR)</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
        <cac:PartyLegalEntity><cbc:RegistrationName>\(sellerName)</cbc:RegistrationName><cbc:CompanyID schemeID="0184">\(sellerCVR)</cbc:CompanyID></cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
        <cac:AccountingCustomerParty><cac:Party><cbc:EndpointID schemeID="0088">\(buyerEAN)</cbc:EndpointID>
        <cac:PostalAddress><cbc:StreetName>Rådhusbuen 1</cbc:StreetName><cbc:CityName>Roskilde</cbc:CityName><cbc:PostalZone>4000</cbc:PostalZone><cac:Country><cbc:IdentificationCode>DK</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
        <cac:PartyLegalEntity><cbc:RegistrationName>\(buyerName)</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>
        <cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode><cac:PayeeFinancialAccount><cbc:ID>DK5000400440116243</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>
        <cac:TaxTotal><cbc:TaxAmount currencyID="\(currency)">\(vat.rounded(2))</cbc:TaxAmount>

        """
        for (r, base) in groups.sorted(by: { $0.key < $1.key }) {
            let cat = dec(r) > .zero ? "S" : "E"
            let reason = cat == "E" ? "<cbc:TaxExemptionReason>Momsfritaget</cbc:TaxExemptionReason>" : ""
            x += "<cac:TaxSubtotal><cbc:TaxableAmount currencyID=\"\(currency)\">\(base.rounded(2))</cbc:TaxableAmount><cbc:TaxAmount currencyID=\"\(currency)\">\((base * dec(r) / 100).rounded(2))</cbc:TaxAmount><cac:TaxCategory><cbc:ID>\(cat)</cbc:ID><cbc:Percent>\(r)</cbc:Percent>\(reason)<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>\n"
        }
        x += "</cac:TaxTotal>\n<cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID=\"\(currency)\">\(net.rounded(2))</cbc:LineExtensionAmount><cbc:TaxExclusiveAmount currencyID=\"\(currency)\">\(net.rounded(2))</cbc:TaxExclusiveAmount><cbc:TaxInclusiveAmount currencyID=\"\(currency)\">\((net + vat).rounded(2))</cbc:TaxInclusiveAmount><cbc:PayableAmount currencyID=\"\(currency)\">\((net + vat).rounded(2))</cbc:PayableAmount></cac:LegalMonetaryTotal>\n"
        let lineTag = creditNote ? "CreditNoteLine" : "InvoiceLine", qtyTag = creditNote ? "CreditedQuantity" : "InvoicedQuantity"
        for (i, (name, q, p, r)) in lines.enumerated() {
            let cat = dec(r) > .zero ? "S" : "E"
            let note = i == 0 ? lineNote.map { "<cbc:Note>\($0)</cbc:Note>" } ?? "" : ""
            let description = i == 0 ? lineDescription.map { "<cbc:Description>\($0)</cbc:Description>" } ?? "" : ""
            let itemID = i == 0 ? sellersItemID.map { "<cac:SellersItemIdentification><cbc:ID>\($0)</cbc:ID></cac:SellersItemIdentification>" } ?? "" : ""
            x += "<cac:\(lineTag)><cbc:ID>\(i + 1)</cbc:ID>\(note)<cbc:\(qtyTag) unitCode=\"EA\">\(q)</cbc:\(qtyTag)><cbc:LineExtensionAmount currencyID=\"\(currency)\">\((dec(q) * dec(p)).rounded(2))</cbc:LineExtensionAmount><cac:Item>\(description)<cbc:Name>\(name)</cbc:Name>\(itemID)<cac:ClassifiedTaxCategory><cbc:ID>\(cat)</cbc:ID><cbc:Percent>\(r)</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item><cac:Price><cbc:PriceAmount currencyID=\"\(currency)\">\(p)</cbc:PriceAmount></cac:Price></cac:\(lineTag)>\n"
        }
        return x + "</\(root)>\n"
    }

    /// The same invoice as OIOUBL 2.1, as Danish senders write it: GLN/CVR schemes, the buyer's reference in the
    /// buyer contact's ID, VAT total in TaxExclusiveAmount, a tax total per line.
    var oioublXML: String {
        func dec(_ s: String) -> Amount { Amount(parsing: s)! }
        let (net, vat, groups) = totals
        let taxScheme = "<cac:TaxScheme><cbc:ID schemeAgencyID=\"320\" schemeID=\"urn:oioubl:id:taxschemeid-1.5\">63</cbc:ID><cbc:Name>Moms</cbc:Name></cac:TaxScheme>"
        func category(_ r: String, _ tag: String) -> String {
            "<cac:\(tag)><cbc:ID schemeAgencyID=\"320\" schemeID=\"urn:oioubl:id:taxcategoryid-1.1\">\(dec(r) > .zero ? "StandardRated" : "ZeroRated")</cbc:ID><cbc:Percent>\(r)</cbc:Percent>\(taxScheme)</cac:\(tag)>"
        }
        func address(_ street: String, _ number: String) -> String {
            "<cac:PostalAddress><cbc:AddressFormatCode listAgencyID=\"320\" listID=\"urn:oioubl:codelist:addressformatcode-1.1\">StructuredDK</cbc:AddressFormatCode><cbc:StreetName>\(street)</cbc:StreetName><cbc:BuildingNumber>\(number)</cbc:BuildingNumber><cbc:CityName>Roskilde</cbc:CityName><cbc:PostalZone>4000</cbc:PostalZone><cac:Country><cbc:IdentificationCode>DK</cbc:IdentificationCode></cac:Country></cac:PostalAddress>"
        }
        let m = { (a: Amount) in "currencyID=\"\(currency)\">\(a.rounded(2))" }
        var x = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
        <cbc:UBLVersionID>2.1</cbc:UBLVersionID>
        <cbc:CustomizationID>OIOUBL-2.1</cbc:CustomizationID>
        <cbc:ProfileID schemeAgencyID="320" schemeID="urn:oioubl:id:profileid-1.2">urn:www.nesubl.eu:profiles:profile5:ver2.0</cbc:ProfileID>
        <cbc:ID>\(number)</cbc:ID>
        <cbc:CopyIndicator>false</cbc:CopyIndicator>
        <cbc:UUID>\(Self.uuid(number))</cbc:UUID>
        <cbc:IssueDate>\(issueDate)</cbc:IssueDate>
        <cbc:InvoiceTypeCode listAgencyID="320" listID="urn:oioubl:codelist:invoicetypecode-1.1">380</cbc:InvoiceTypeCode>

        """
        if let note { x += "<cbc:Note>\(note)</cbc:Note>\n" }
        x += "<cbc:DocumentCurrencyCode>\(currency)</cbc:DocumentCurrencyCode>\n"
        if let s = periodStart, let e = periodEnd { x += "<cac:InvoicePeriod><cbc:StartDate>\(s)</cbc:StartDate><cbc:EndDate>\(e)</cbc:EndDate></cac:InvoicePeriod>\n" }
        x += "<cac:OrderReference><cbc:ID>\(orderReference ?? "NA")</cbc:ID></cac:OrderReference>\n"
        if let contractReference { x += "<cac:ContractDocumentReference><cbc:ID>\(contractReference)</cbc:ID></cac:ContractDocumentReference>\n" }
        x += """
        <cac:AccountingSupplierParty><cac:Party><cbc:EndpointID schemeID="DK:CVR">DK\(sellerCVR)</cbc:EndpointID><cac:PartyIdentification><cbc:ID schemeID="DK:CVR">DK\(sellerCVR)</cbc:ID></cac:PartyIdentification><cac:PartyName><cbc:Name>\(sellerName)</cbc:Name></cac:PartyName>
        \(address("Algade", "1"))
        <cac:PartyTaxScheme><cbc:CompanyID schemeID="DK:SE">DK\(sellerCVR)</cbc:CompanyID>\(taxScheme)</cac:PartyTaxScheme>
        <cac:PartyLegalEntity><cbc:RegistrationName>\(sellerName)</cbc:RegistrationName><cbc:CompanyID schemeID="DK:CVR">DK\(sellerCVR)</cbc:CompanyID></cac:PartyLegalEntity>
        <cac:Contact><cbc:ID>1</cbc:ID><cbc:Name>Bogholderiet</cbc:Name></cac:Contact></cac:Party></cac:AccountingSupplierParty>
        <cac:AccountingCustomerParty><cac:Party><cbc:EndpointID schemeID="GLN">\(buyerEAN)</cbc:EndpointID><cac:PartyIdentification><cbc:ID schemeID="GLN">\(buyerEAN)</cbc:ID></cac:PartyIdentification><cac:PartyName><cbc:Name>\(buyerName)</cbc:Name></cac:PartyName>
        \(address("Rådhusbuen", "1"))
        <cac:Contact><cbc:ID>\(buyerContactID ?? buyerReference ?? "NA")</cbc:ID><cbc:Name>Bogholderiet</cbc:Name></cac:Contact></cac:Party></cac:AccountingCustomerParty>
        <cac:Delivery><cbc:ActualDeliveryDate>\(issueDate)</cbc:ActualDeliveryDate></cac:Delivery>
        <cac:PaymentMeans><cbc:ID>1</cbc:ID><cbc:PaymentMeansCode>42</cbc:PaymentMeansCode><cbc:PaymentDueDate>\(dueDate ?? issueDate)</cbc:PaymentDueDate><cbc:PaymentChannelCode listAgencyID="320" listID="urn:oioubl:codelist:paymentchannelcode-1.1">DK:BANK</cbc:PaymentChannelCode><cac:PayeeFinancialAccount><cbc:ID>0440116243</cbc:ID><cbc:PaymentNote>\(number)</cbc:PaymentNote><cac:FinancialInstitutionBranch><cbc:ID>5000</cbc:ID></cac:FinancialInstitutionBranch></cac:PayeeFinancialAccount></cac:PaymentMeans>
        <cac:TaxTotal><cbc:TaxAmount \(m(vat))</cbc:TaxAmount>

        """
        for (r, base) in groups.sorted(by: { $0.key < $1.key }) {
            x += "<cac:TaxSubtotal><cbc:TaxableAmount \(m(base))</cbc:TaxableAmount><cbc:TaxAmount \(m(base * dec(r) / 100))</cbc:TaxAmount>\(category(r, "TaxCategory"))</cac:TaxSubtotal>\n"
        }
        x += "</cac:TaxTotal>\n<cac:LegalMonetaryTotal><cbc:LineExtensionAmount \(m(net))</cbc:LineExtensionAmount><cbc:TaxExclusiveAmount \(m(vat))</cbc:TaxExclusiveAmount><cbc:TaxInclusiveAmount \(m(net + vat))</cbc:TaxInclusiveAmount><cbc:PayableAmount \(m(net + vat))</cbc:PayableAmount></cac:LegalMonetaryTotal>\n"
        for (i, (name, q, p, r)) in lines.enumerated() {
            let ext = (dec(q) * dec(p)).rounded(2)
            let note = i == 0 ? lineNote.map { "<cbc:Note>\($0)</cbc:Note>" } ?? "" : ""
            let description = i == 0 ? lineDescription ?? name : name
            let itemID = i == 0 ? sellersItemID ?? "ITEM-\(i + 1)" : "ITEM-\(i + 1)"
            x += "<cac:InvoiceLine><cbc:ID>\(i + 1)</cbc:ID>\(note)<cbc:InvoicedQuantity unitCode=\"EA\">\(q)</cbc:InvoicedQuantity><cbc:LineExtensionAmount \(m(ext))</cbc:LineExtensionAmount>"
            x += "<cac:TaxTotal><cbc:TaxAmount \(m(ext * dec(r) / 100))</cbc:TaxAmount><cac:TaxSubtotal><cbc:TaxableAmount \(m(ext))</cbc:TaxableAmount><cbc:TaxAmount \(m(ext * dec(r) / 100))</cbc:TaxAmount>\(category(r, "TaxCategory"))</cac:TaxSubtotal></cac:TaxTotal>"
            x += "<cac:Item><cbc:Description>\(description)</cbc:Description><cbc:Name>\(name)</cbc:Name><cac:SellersItemIdentification><cbc:ID>\(itemID)</cbc:ID></cac:SellersItemIdentification>\(category(r, "ClassifiedTaxCategory"))</cac:Item>"
            x += "<cac:Price><cbc:PriceAmount currencyID=\"\(currency)\">\(p)</cbc:PriceAmount><cbc:BaseQuantity unitCode=\"EA\">1</cbc:BaseQuantity></cac:Price></cac:InvoiceLine>\n"
        }
        return x + "</Invoice>\n"
    }

    /// A UUID derived from the invoice number, so the same scenario gives the same file.
    static func uuid(_ number: String) -> String {
        var h: UInt64 = 1469598103934665603
        for b in number.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
        let hex = String(format: "%016llx", h) + String(format: "%016llx", h &* 31)
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-4" + String(c[13..<16]) + "-8" + String(c[17..<20]) + "-" + String(c[20..<32])
    }
}
