import BilagCore

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
        /// What each address has (parallel to `addresses`).
        let addressFacts: [AddressFacts]
        let paymentMeans: [WrittenElement]
        /// The codes each payment means is written as (parallel to `paymentMeans`, `OIOUBLPaymentRules.codeBits`).
        let paymentMeansCodes: [UInt16]
        /// The `TaxTotal` groups the TaxTotal rules compare among siblings: the document's, then each line's.
        let taxTotalGroups: [[WrittenElement]]
        /// The document's `cac:LegalMonetaryTotal`s and `cac:AllowanceCharge`s (near the end of a long root: found
        /// once instead of by each of the twenty totals rules).
        let legalMonetaryTotals: [WrittenElement]
        let allowanceCharges: [WrittenElement]

        init(lines: [WrittenElement], parties: [WrittenElement], partiesAndTaxRepresentative: [WrittenElement], taxCategories: [WrittenElement],
             taxSchemes: [WrittenElement], taxSubtotals: [WrittenElement], addresses: [WrittenElement], paymentMeans: [WrittenElement],
             taxTotalGroups: [[WrittenElement]], root: WrittenElement) {
            self.lines = lines; self.parties = parties; self.partiesAndTaxRepresentative = partiesAndTaxRepresentative
            self.taxCategories = taxCategories; self.taxSchemes = taxSchemes; self.taxSubtotals = taxSubtotals
            self.addresses = addresses; self.paymentMeans = paymentMeans
            paymentMeansCodes = paymentMeans.map(OIOUBLPaymentRules.codeBits)
            addressFacts = addresses.map(AddressFacts.init)
            self.taxTotalGroups = taxTotalGroups
            legalMonetaryTotals = root.children("LegalMonetaryTotal")
            allowanceCharges = root.children("AllowanceCharge")
        }
    }

    /// The document's places, found on first use and kept with its tree (`WrittenTree.memo`): no lock, no lookup.
    @inline(__always)
    static func of(_ doc: WrittenElement) -> Found { doc.tree.memo { find(doc) } }

    static func find(_ doc: WrittenElement) -> Found {
        let lines = doc.children(doc.lineName)
        let (parties, withRepresentative) = find(doc, lines)
        let categories = taxCategories(doc, lines)
        var schemes: [WrittenElement] = []
        for p in withRepresentative { p.forEach(["PartyTaxScheme", "TaxScheme"]) { schemes.append($0) } }
        for c in categories { c.forEach("TaxScheme") { schemes.append($0) } }
        var subtotals: [WrittenElement] = []
        doc.forEach(["TaxTotal", "TaxSubtotal"]) { subtotals.append($0) }
        for line in lines { line.forEach(["TaxTotal", "TaxSubtotal"]) { subtotals.append($0) } }
        return Found(lines: lines, parties: parties, partiesAndTaxRepresentative: withRepresentative, taxCategories: categories,
                     taxSchemes: schemes, taxSubtotals: subtotals, addresses: addresses(doc, lines, parties),
                     paymentMeans: doc.children("PaymentMeans"), taxTotalGroups: [doc.children("TaxTotal")] + lines.map { $0.children("TaxTotal") }, root: doc)
    }

    static func parties(_ doc: WrittenElement, taxRepresentative: Bool = false) -> [WrittenElement] {
        let f = of(doc)
        return taxRepresentative ? f.partiesAndTaxRepresentative : f.parties
    }
    static func taxCategories(_ doc: WrittenElement) -> [WrittenElement] { of(doc).taxCategories }
    static func taxSchemes(_ doc: WrittenElement) -> [WrittenElement] { of(doc).taxSchemes }
    static func taxSubtotals(_ doc: WrittenElement) -> [WrittenElement] { of(doc).taxSubtotals }
    static func addresses(_ doc: WrittenElement) -> [WrittenElement] { of(doc).addresses }
    static func totals(_ doc: WrittenElement) -> [WrittenElement] { of(doc).legalMonetaryTotals }
    static func allowanceCharges(_ doc: WrittenElement) -> [WrittenElement] { of(doc).allowanceCharges }

    /// `Signature/SignatoryParty`, `AccountingSupplierParty/Party`, `AccountingCustomerParty/Party`, `PayeeParty`,
    /// `BuyerCustomerParty/Party`, `SellerSupplierParty/Party`, `Delivery/DeliveryParty` and the lines'
    /// `Delivery/DeliveryParty`; and the same with `TaxRepresentativeParty` before the delivery parties (the
    /// PartyTaxScheme rules).
    static func find(_ doc: WrittenElement, _ lines: [WrittenElement]) -> (parties: [WrittenElement], withRepresentative: [WrittenElement]) {
        var head: [WrittenElement] = []
        func add(_ e: WrittenElement) { head.append(e) }
        doc.forEach(["Signature", "SignatoryParty"], add)
        doc.forEach(["AccountingSupplierParty", "Party"], add)
        doc.forEach(["AccountingCustomerParty", "Party"], add)
        doc.forEach("PayeeParty", add)
        doc.forEach(["BuyerCustomerParty", "Party"], add)
        doc.forEach(["SellerSupplierParty", "Party"], add)
        var tail: [WrittenElement] = []
        doc.forEach(["Delivery", "DeliveryParty"]) { tail.append($0) }
        for line in lines { line.forEach(["Delivery", "DeliveryParty"]) { tail.append($0) } }
        let representatives = doc.children("TaxRepresentativeParty")
        return (head + tail, representatives.isEmpty ? head + tail : head + representatives + tail)
    }

    /// The tax categories the category rules are stated on: the document's `AllowanceCharge/TaxCategory` and
    /// `TaxTotal/TaxSubtotal/TaxCategory`, and on each line `BillingReference/BillingReferenceLine/AllowanceCharge/
    /// TaxCategory`, `AllowanceCharge/TaxCategory`, `TaxTotal/TaxSubtotal/TaxCategory`, `Item/ClassifiedTaxCategory`,
    /// `Price/AllowanceCharge/TaxCategory`.
    static func taxCategories(_ doc: WrittenElement, _ lines: [WrittenElement]) -> [WrittenElement] {
        var out: [WrittenElement] = []
        func add(_ e: WrittenElement) { out.append(e) }
        doc.forEach(["AllowanceCharge", "TaxCategory"], add)
        doc.forEach(["TaxTotal", "TaxSubtotal", "TaxCategory"], add)
        for line in lines {
            line.forEach(["BillingReference", "BillingReferenceLine", "AllowanceCharge", "TaxCategory"], add)
            line.forEach(["AllowanceCharge", "TaxCategory"], add)
            line.forEach(["TaxTotal", "TaxSubtotal", "TaxCategory"], add)
            line.forEach(["Item", "ClassifiedTaxCategory"], add)
            line.forEach(["Price", "AllowanceCharge", "TaxCategory"], add)
        }
        return out
    }

    /// The `TaxTotal` groups the TaxTotal rules compare among siblings: the document's, then each line's.
    static func taxTotalGroups(_ doc: WrittenElement) -> [[WrittenElement]] { of(doc).taxTotalGroups }

    /// The addresses F-LIB026 is stated on: each party's `PostalAddress` and `PhysicalLocation/Address`,
    /// `Delivery/DeliveryLocation/Address`, `DeliveryTerms/DeliveryLocation/Address`, the lines' `Delivery/DeliveryLocation/Address` and `Item/OriginAddress`.
    static func addresses(_ doc: WrittenElement, _ lines: [WrittenElement], _ parties: [WrittenElement]) -> [WrittenElement] {
        var out: [WrittenElement] = []
        func add(_ e: WrittenElement) { out.append(e) }
        for p in parties {
            p.forEach("PostalAddress", add)
            p.forEach(["PhysicalLocation", "Address"], add)
        }
        doc.forEach(["Delivery", "DeliveryLocation", "Address"], add)
        doc.forEach(["DeliveryTerms", "DeliveryLocation", "Address"], add)
        for line in lines {
            line.forEach(["Delivery", "DeliveryLocation", "Address"], add)
            line.forEach(["Item", "OriginAddress"], add)
        }
        return out
    }
}

/// What one address has, found in one walk over its children: which of the names the address rules read occur in
/// it, and which OIOUBL address formats some `cbc:AddressFormatCode` is written as (`cbc:AddressFormatCode = 'X'`
/// holds for any of them). The thirty address rules test these bits instead of walking the children again.
struct AddressFacts: Sendable {
    enum Name: Int {
        case blockName, timezoneOffset, locationCoordinate, formatCode, typeCode, streetName, buildingNumber, cityName
        case postalZone, country, addressLine, id, postbox, region, district
    }
    /// The local names, in the order of `Name`.
    static let names: [StaticString] = ["BlockName", "TimezoneOffset", "LocationCoordinate", "AddressFormatCode", "AddressTypeCode",
                                        "StreetName", "BuildingNumber", "CityName", "PostalZone", "Country", "AddressLine", "ID",
                                        "Postbox", "Region", "District"]
    enum Format: UInt8 { case structuredDK = 1, structuredLax = 2, structuredID = 4, structuredRegion = 8, unstructured = 16 }
    static let formats: [(String, Format)] = [("StructuredDK", .structuredDK), ("StructuredLax", .structuredLax), ("StructuredID", .structuredID),
                                              ("StructuredRegion", .structuredRegion), ("Unstructured", .unstructured)]

    private(set) var present: UInt32 = 0
    private(set) var formatBits: UInt8 = 0

    init(_ address: WrittenElement) {
        Self.names.withUnsafeBufferPointer { names in
            address.forEachChild { e in
                for i in 0..<names.count where e.is(names[i]) {
                    present |= 1 << UInt32(i)
                    if i == Name.formatCode.rawValue {
                        for (text, f) in Self.formats where e.textEquals(text) { formatBits |= f.rawValue }
                    }
                    break
                }
            }
        }
    }

    /// Some child is named `name`.
    @inline(__always) func has(_ name: Name) -> Bool { present & (1 << UInt32(name.rawValue)) != 0 }
    /// `cbc:AddressFormatCode = 'X'` for the format `f`.
    @inline(__always) func `is`(_ f: Format) -> Bool { formatBits & f.rawValue != 0 }
}
