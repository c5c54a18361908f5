import BilagCore

/// The elements the OIOUBL Schematron states its repeated rules on (the same assertion under each of these
/// contexts), as written: parties, tax schemes, tax categories, addresses, payment means.
enum OIOUBLPlaces {
    /// `Signature/SignatoryParty`, `AccountingSupplierParty/Party`, `AccountingCustomerParty/Party`, `PayeeParty`,
    /// `BuyerCustomerParty/Party`, `SellerSupplierParty/Party`, `Delivery/DeliveryParty` and the lines'
    /// `Delivery/DeliveryParty`; with `taxRepresentative`, `TaxRepresentativeParty` too (the PartyTaxScheme rules).
    static func parties(_ doc: WrittenElement, taxRepresentative: Bool = false) -> [WrittenElement] {
        var out = doc.select(["Signature", "SignatoryParty"])
        out += doc.select(["AccountingSupplierParty", "Party"])
        out += doc.select(["AccountingCustomerParty", "Party"])
        out += doc.children("PayeeParty")
        out += doc.select(["BuyerCustomerParty", "Party"])
        out += doc.select(["SellerSupplierParty", "Party"])
        if taxRepresentative { out += doc.children("TaxRepresentativeParty") }
        out += doc.select(["Delivery", "DeliveryParty"])
        for line in doc.lines { out += line.select(["Delivery", "DeliveryParty"]) }
        return out
    }

    /// The tax categories the category rules are stated on: the document's `AllowanceCharge/TaxCategory` and
    /// `TaxTotal/TaxSubtotal/TaxCategory`, and on each line `BillingReference/BillingReferenceLine/AllowanceCharge/
    /// TaxCategory`, `AllowanceCharge/TaxCategory`, `TaxTotal/TaxSubtotal/TaxCategory`, `Item/ClassifiedTaxCategory`,
    /// `Price/AllowanceCharge/TaxCategory`.
    static func taxCategories(_ doc: WrittenElement) -> [WrittenElement] {
        var out = doc.select(["AllowanceCharge", "TaxCategory"])
        out += doc.select(["TaxTotal", "TaxSubtotal", "TaxCategory"])
        for line in doc.lines {
            out += line.select(["BillingReference", "BillingReferenceLine", "AllowanceCharge", "TaxCategory"])
            out += line.select(["AllowanceCharge", "TaxCategory"])
            out += line.select(["TaxTotal", "TaxSubtotal", "TaxCategory"])
            out += line.select(["Item", "ClassifiedTaxCategory"])
            out += line.select(["Price", "AllowanceCharge", "TaxCategory"])
        }
        return out
    }

    /// Every `TaxScheme` the scheme rules are stated on: the parties' `PartyTaxScheme/TaxScheme` (the tax
    /// representative's included) and the tax categories' `TaxScheme`.
    static func taxSchemes(_ doc: WrittenElement) -> [WrittenElement] {
        var out: [WrittenElement] = []
        for p in parties(doc, taxRepresentative: true) { out += p.select(["PartyTaxScheme", "TaxScheme"]) }
        for c in taxCategories(doc) { out += c.children("TaxScheme") }
        return out
    }

    /// The `TaxSubtotal`s of the document's and of each line's `TaxTotal`.
    static func taxSubtotals(_ doc: WrittenElement) -> [WrittenElement] {
        var out = doc.select(["TaxTotal", "TaxSubtotal"])
        for line in doc.lines { out += line.select(["TaxTotal", "TaxSubtotal"]) }
        return out
    }

    /// The `TaxTotal` groups the TaxTotal rules compare among siblings: the document's, then each line's.
    static func taxTotalGroups(_ doc: WrittenElement) -> [[WrittenElement]] {
        [doc.children("TaxTotal")] + doc.lines.map { $0.children("TaxTotal") }
    }

    /// The addresses F-LIB026 is stated on: each party's `PostalAddress` and `PhysicalLocation/Address`,
    /// `Delivery/DeliveryLocation/Address`, `DeliveryTerms/DeliveryLocation/Address`, the lines' `Delivery/DeliveryLocation/Address` and `Item/OriginAddress`.
    static func addresses(_ doc: WrittenElement) -> [WrittenElement] {
        var out: [WrittenElement] = []
        for p in parties(doc) {
            out += p.children("PostalAddress")
            out += p.select(["PhysicalLocation", "Address"])
        }
        out += doc.select(["Delivery", "DeliveryLocation", "Address"])
        out += doc.select(["DeliveryTerms", "DeliveryLocation", "Address"])
        for line in doc.lines {
            out += line.select(["Delivery", "DeliveryLocation", "Address"])
            out += line.select(["Item", "OriginAddress"])
        }
        return out
    }
}
