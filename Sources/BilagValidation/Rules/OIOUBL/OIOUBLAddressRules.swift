import BilagCore

/// The OIOUBL Schematron's address rules (every address context, `OIOUBLPlaces.addresses`) by the address format,
/// and the values it requires on the parties' and lines' references: what `OIOUBLPartyRules` and `OIOUBLLineRules`
/// do not state yet. Each as the official XPath 1.0 reads it (`normalize-space(cbc:X) != ''`, `count(…) = 0`).
enum OIOUBLAddressRules {
    static let format: StaticString = "AddressFormatCode"
    static let oioublFormats = ["StructuredDK", "StructuredLax", "StructuredID", "StructuredRegion", "Unstructured"]

    /// `count(cbc:StreetName) != '0' or count(cbc:BuildingNumber) != '0' or count(cbc:CityName) != '0' or count(cbc:PostalZone) != '0'`
    /// (`or count(cac:Country) != '0'` with `country`).
    static func structured(_ f: AddressFacts, country: Bool) -> Bool {
        f.has(.streetName) || f.has(.buildingNumber) || f.has(.cityName) || f.has(.postalZone) || (country && f.has(.country))
    }

    static func address(_ id: String, _ message: String, _ broken: @escaping (WrittenElement, AddressFacts) -> Bool) -> WrittenRule {
        OIOUBLPartyRules.addressRule(id, message, broken)
    }

    static let all: [any Rule] = [
        address("F-LIB210", "BlockName is not allowed") { _, f in f.has(.blockName) },
        address("F-LIB211", "TimezoneOffset is not allowed") { _, f in f.has(.timezoneOffset) },
        address("F-LIB212", "LocationCoordinate is not allowed") { _, f in f.has(.locationCoordinate) },
        // `normalize-space(cbc:AddressFormatCode) = ''` (also when there is none).
        address("F-LIB025", "Invalid AddressFormatCode. Must contain a value") { a, f in !f.has(.formatCode) || a.isBlank(format) },
        address("F-LIB204", "Invalid AddressTypeCode listID. Must be 'urn:oioubl:codelist:addresstypecode-1.1'") { a, f in
            f.has(.typeCode) && !a.attributeEq("AddressTypeCode", "listID", "urn:oioubl:codelist:addresstypecode-1.1")
        },
        address("F-LIB205", "Invalid AddressTypeCode listAgencyID. Must be '320'") { a, f in
            f.has(.typeCode) && !a.attributeEq("AddressTypeCode", "listAgencyID", "320")
        },
        address("F-LIB206", "Invalid AddressTypeCode. Must be 'Home' or 'Business'") { a, f in
            f.has(.typeCode) && !(a.eq("AddressTypeCode", "Home") || a.eq("AddressTypeCode", "Business"))
        },
        address("F-LIB027", "Invalid AddressFormatCode (not in the OIOUBL address format list)") { a, f in
            f.has(.formatCode) && a.attributeEq(format, "listID", "urn:oioubl:codelist:addressformatcode-1.1") && !oioublFormats.contains(a.normalized(format))
        },
        address("F-LIB209", "Invalid AddressFormatCode (not in UN/ECE 3477)") { a, f in
            f.has(.formatCode) && a.attributeEq(format, "listID", "UN/ECE 3477") && !(1...9).contains { a.eq(format, String($0)) }
        },
        address("F-LIB031", "StreetName, BuildingNumber, CityName, PostalZone and Country are not allowed for an Unstructured address") { _, f in
            f.is(.unstructured) && structured(f, country: true)
        },
        address("F-LIB035", "There should be either a BuildingNumber or a Postbox for a StructuredDK address type") { a, f in
            f.is(.structuredDK) && a.isBlank("BuildingNumber") && a.isBlank("Postbox")
        },
        address("F-LIB036", "AddressLine elements not allowed for a StructuredLax address type") { _, f in
            f.is(.structuredLax) && f.has(.addressLine)
        },
        address("F-LIB037", "ID is mandatory for a StructuredID address type") { a, f in
            f.is(.structuredID) && (!f.has(.id) || a.eq("ID", ""))
        },
        address("F-LIB038", "StreetName, BuildingNumber, CityName, PostalZone and Country are not allowed for a StructuredID address") { _, f in
            f.is(.structuredID) && structured(f, country: true)
        },
        address("F-LIB039", "Country/IdentificationCode, Region or District is mandatory for a StructuredRegion address type") { a, f in
            guard f.is(.structuredRegion) else { return false }
            let codes = a.select(["Country", "IdentificationCode"])
            return (codes.isEmpty || codes.contains { $0.text.isEmpty })
                && (!f.has(.region) || a.eq("Region", "")) && (!f.has(.district) || a.eq("District", ""))
        },
        address("F-LIB040", "StreetName, BuildingNumber, CityName and PostalZone are not allowed for a StructuredRegion address") { _, f in
            f.is(.structuredRegion) && structured(f, country: false)
        },
        address("F-LIB028", "Invalid address ID schemeID. Must contain a value") { a, f in
            f.has(.id) && (a.child("ID")?.attributeBytes("schemeID")?.isEmpty ?? true)
        },
        address("F-LIB029", "The address ID must have a schemeID") { a, f in
            f.has(.id) && !a.anyChild("ID") { $0.attributeBytes("schemeID") != nil }
        },
    ]
    // The supplier and customer each have exactly one Party.
    + WrittenRule.pair("F-INV030", "F-CRN027", "One Party class must be present (supplier)") { doc, at in
        doc.forEach("AccountingSupplierParty") { p in if p.count("Party") != 1 { at.append("cac:AccountingSupplierParty") } }
    }
    + WrittenRule.pair("F-INV043", "F-CRN039", "One Party class must be present (customer)") { doc, at in
        doc.forEach("AccountingCustomerParty") { p in if p.count("Party") != 1 { at.append("cac:AccountingCustomerParty") } }
    }
    // A line's references and item: `normalize-space(cbc:X) != ''` on each context.
    + lineValue("F-INV153", nil, ["OrderLineReference"], "LineID", "Invalid OrderLineReference/LineID. Must contain a value")
    + lineValue("F-INV314", "F-CRN170", ["DespatchLineReference"], "LineID", "Invalid DespatchLineReference/LineID. Must contain a value")
    + lineValue("F-INV315", "F-CRN171", ["ReceiptLineReference"], "LineID", "Invalid ReceiptLineReference/LineID. Must contain a value")
    + lineValue("F-INV163", "F-CRN110", ["Item"], "Name", "Invalid Item/Name. Must contain a value")
    + lineValue("F-INV167", "F-CRN115", ["Item", "SellersItemIdentification"], "ID", "Invalid SellersItemIdentification/ID. Must contain a value")
    + lineValue("F-INV170", "F-CRN118", ["Item", "SellersItemIdentification", "PhysicalAttribute"], "AttributeID", "Invalid PhysicalAttribute/AttributeID. Must contain a value")
    + lineValue("F-INV171", "F-CRN119", ["Item", "SellersItemIdentification", "PhysicalAttribute"], "Description", "Invalid PhysicalAttribute/Description. Must contain a value")
    + lineValue("F-INV227", "F-CRN189", ["Item", "SellersItemIdentification", "MeasurementDimension"], "AttributeID", "Invalid MeasurementDimension/AttributeID. Must contain a value")
    + [WrittenRule("F-LIB177", "Invalid item identification ID. Must contain a value") { doc, at in
        for line in doc.lines {
            line.forEach("Item") { item in
                for kind in itemIdentifications { item.forEach(kind) { e in if e.isBlank("ID") { at.append("cac:Item/cbc:ID") } } }
            }
        }
    }]

    static let itemIdentifications: [StaticString] = ["BuyersItemIdentification", "ManufacturersItemIdentification", "StandardItemIdentification",
                                                      "CatalogueItemIdentification", "AdditionalItemIdentification"]

    /// `normalize-space(cbc:value) != ''` on each `path` under each line (the credit note's id, or none).
    static func lineValue(_ invoiceID: String, _ creditNoteID: String?, _ path: [StaticString], _ value: StaticString, _ message: String) -> [any Rule] {
        let body: (WrittenElement, inout [String]) -> Void = { doc, at in
            for line in doc.lines { line.forEach(path) { e in if e.isBlank(value) { at.append("cbc:\(value)") } } }
        }
        guard let creditNoteID else { return [WrittenRule(invoiceID, .invoice, message, body)] }
        return WrittenRule.pair(invoiceID, creditNoteID, message, body)
    }
}
