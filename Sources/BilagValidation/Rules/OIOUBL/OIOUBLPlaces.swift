import BilagCore
import Synchronization

/// The elements the OIOUBL Schematron states its repeated rules on (the same assertion under each of these
/// contexts), as written: parties, tax schemes, tax categories, addresses, payment means.
enum OIOUBLPlaces {
    /// The places of one document, found once: the rules ask for them over a hundred times. A class, so handing it
    /// out costs one retain, not one per array.
    final class Found: Sendable {
        let lines: [WrittenElement]
        let parties: [WrittenElement]
        let partiesAndTaxRepresentative: [WrittenElement]
        let taxCategories: [WrittenElement]
        let taxSchemes: [WrittenElement]
        let taxSubtotals: [WrittenElement]
        let addresses: [WrittenElement]
        let paymentMeans: [WrittenElement]

        init(lines: [WrittenElement], parties: [WrittenElement], partiesAndTaxRepresentative: [WrittenElement], taxCategories: [WrittenElement],
             taxSchemes: [WrittenElement], taxSubtotals: [WrittenElement], addresses: [WrittenElement], paymentMeans: [WrittenElement]) {
            self.lines = lines; self.parties = parties; self.partiesAndTaxRepresentative = partiesAndTaxRepresentative
            self.taxCategories = taxCategories; self.taxSchemes = taxSchemes; self.taxSubtotals = taxSubtotals
            self.addresses = addresses; self.paymentMeans = paymentMeans
        }
    }

    /// The last document's places (the tree is held, so an identical address means the same document).
    static let last = Mutex<(WrittenTree, Found)?>(nil)

    static func of(_ doc: WrittenElement) -> Found {
        let tree = doc.tree
        let hit: Found? = last.withLock { l in
            guard let (t, f) = l, t === tree else { return nil }
            return f
        }
        if let hit { return hit }
        let lines = doc.children(doc.lineName)
        let parties = find(doc, lines, taxRepresentative: false)
        let categories = taxCategories(doc, lines)
        let withRepresentative = find(doc, lines, taxRepresentative: true)
        var schemes: [WrittenElement] = []
        for p in withRepresentative { schemes += p.select(["PartyTaxScheme", "TaxScheme"]) }
        for c in categories { schemes += c.children("TaxScheme") }
        var subtotals = doc.select(["TaxTotal", "TaxSubtotal"])
        for line in lines { subtotals += line.select(["TaxTotal", "TaxSubtotal"]) }
        let found = Found(lines: lines, parties: parties, partiesAndTaxRepresentative: withRepresentative, taxCategories: categories,
                          taxSchemes: schemes, taxSubtotals: subtotals, addresses: addresses(doc, lines, parties),
                          paymentMeans: doc.children("PaymentMeans"))
        last.withLock { $0 = (tree, found) }
        return found
    }

    static func parties(_ doc: WrittenElement, taxRepresentative: Bool = false) -> [WrittenElement] {
        let f = of(doc)
        return taxRepresentative ? f.partiesAndTaxRepresentative : f.parties
    }
    static func taxCategories(_ doc: WrittenElement) -> [WrittenElement] { of(doc).taxCategories }
    static func taxSchemes(_ doc: WrittenElement) -> [WrittenElement] { of(doc).taxSchemes }
    static func taxSubtotals(_ doc: WrittenElement) -> [WrittenElement] { of(doc).taxSubtotals }
    static func addresses(_ doc: WrittenElement) -> [WrittenElement] { of(doc).addresses }

    /// `Signature/SignatoryParty`, `AccountingSupplierParty/Party`, `AccountingCustomerParty/Party`, `PayeeParty`,
    /// `BuyerCustomerParty/Party`, `SellerSupplierParty/Party`, `Delivery/DeliveryParty` and the lines'
    /// `Delivery/DeliveryParty`; with `taxRepresentative`, `TaxRepresentativeParty` too (the PartyTaxScheme rules).
    static func find(_ doc: WrittenElement, _ lines: [WrittenElement], taxRepresentative: Bool) -> [WrittenElement] {
        var out = doc.select(["Signature", "SignatoryParty"])
        out += doc.select(["AccountingSupplierParty", "Party"])
        out += doc.select(["AccountingCustomerParty", "Party"])
        out += doc.children("PayeeParty")
        out += doc.select(["BuyerCustomerParty", "Party"])
        out += doc.select(["SellerSupplierParty", "Party"])
        if taxRepresentative { out += doc.children("TaxRepresentativeParty") }
        out += doc.select(["Delivery", "DeliveryParty"])
        for line in lines { out += line.select(["Delivery", "DeliveryParty"]) }
        return out
    }

    /// The tax categories the category rules are stated on: the document's `AllowanceCharge/TaxCategory` and
    /// `TaxTotal/TaxSubtotal/TaxCategory`, and on each line `BillingReference/BillingReferenceLine/AllowanceCharge/
    /// TaxCategory`, `AllowanceCharge/TaxCategory`, `TaxTotal/TaxSubtotal/TaxCategory`, `Item/ClassifiedTaxCategory`,
    /// `Price/AllowanceCharge/TaxCategory`.
    static func taxCategories(_ doc: WrittenElement, _ lines: [WrittenElement]) -> [WrittenElement] {
        var out = doc.select(["AllowanceCharge", "TaxCategory"])
        out += doc.select(["TaxTotal", "TaxSubtotal", "TaxCategory"])
        for line in lines {
            out += line.select(["BillingReference", "BillingReferenceLine", "AllowanceCharge", "TaxCategory"])
            out += line.select(["AllowanceCharge", "TaxCategory"])
            out += line.select(["TaxTotal", "TaxSubtotal", "TaxCategory"])
            out += line.select(["Item", "ClassifiedTaxCategory"])
            out += line.select(["Price", "AllowanceCharge", "TaxCategory"])
        }
        return out
    }

    /// The `TaxTotal` groups the TaxTotal rules compare among siblings: the document's, then each line's.
    static func taxTotalGroups(_ doc: WrittenElement) -> [[WrittenElement]] {
        [doc.children("TaxTotal")] + doc.lines.map { $0.children("TaxTotal") }
    }

    /// The addresses F-LIB026 is stated on: each party's `PostalAddress` and `PhysicalLocation/Address`,
    /// `Delivery/DeliveryLocation/Address`, `DeliveryTerms/DeliveryLocation/Address`, the lines' `Delivery/DeliveryLocation/Address` and `Item/OriginAddress`.
    static func addresses(_ doc: WrittenElement, _ lines: [WrittenElement], _ parties: [WrittenElement]) -> [WrittenElement] {
        var out: [WrittenElement] = []
        for p in parties {
            out += p.children("PostalAddress")
            out += p.select(["PhysicalLocation", "Address"])
        }
        out += doc.select(["Delivery", "DeliveryLocation", "Address"])
        out += doc.select(["DeliveryTerms", "DeliveryLocation", "Address"])
        for line in lines {
            out += line.select(["Delivery", "DeliveryLocation", "Address"])
            out += line.select(["Item", "OriginAddress"])
        }
        return out
    }
}
