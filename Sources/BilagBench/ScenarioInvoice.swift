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
    /// (name, quantity, unit price, VAT percent)
    public var lines: [(String, String, String, String)] = [("Ydelse", "1", "100.00", "25")]

    /// One line at this net amount and VAT rate.
    public mutating func amount(_ net: String, vat: String = "0") { lines = [("Ydelse", "1", net, vat)] }

    public var xml: String {
        let root = creditNote ? "CreditNote" : "Invoice"
        func dec(_ s: String) -> Amount { Amount(parsing: s)! }
        var net = Amount.zero, vat = Amount.zero
        var groups: [String: Amount] = [:]
        for (_, q, p, r) in lines {
            let ext = (dec(q) * dec(p)).rounded(2)
            net = net + ext
            groups[r, default: .zero] = groups[r, default: .zero] + ext
        }
        for (r, base) in groups { vat = vat + (base * dec(r) / 100).rounded(2) }
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
            x += "<cac:\(lineTag)><cbc:ID>\(i + 1)</cbc:ID><cbc:\(qtyTag) unitCode=\"EA\">\(q)</cbc:\(qtyTag)><cbc:LineExtensionAmount currencyID=\"\(currency)\">\((dec(q) * dec(p)).rounded(2))</cbc:LineExtensionAmount><cac:Item><cbc:Name>\(name)</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>\(cat)</cbc:ID><cbc:Percent>\(r)</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item><cac:Price><cbc:PriceAmount currencyID=\"\(currency)\">\(p)</cbc:PriceAmount></cac:Price></cac:\(lineTag)>\n"
        }
        return x + "</\(root)>\n"
    }
}
