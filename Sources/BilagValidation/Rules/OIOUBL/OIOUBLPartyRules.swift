import BilagCore

/// The OIOUBL party rules as the official OIOUBL Schematron (release 1.12.2) states them, on every party
/// (`OIOUBLPlaces.parties`): the endpoint's scheme and the CVR/GLN/CPR forms, a name where there is no
/// identification, the identification's scheme, the legal entity's and the tax scheme's CompanyID and scheme, the
/// tax scheme's name and type, the address format list; and the supplier's and customer's own: an endpoint, one
/// legal entity, one contact.
enum OIOUBLPartyRules {
    /// A rule on each party: broken where `broken` holds.
    static func eachParty(_ id: String, taxRepresentative: Bool = false, _ message: String, _ broken: @escaping (WrittenElement) -> Bool) -> any Rule {
        WrittenRule(id, message) { doc, at in
            for p in OIOUBLPlaces.parties(doc, taxRepresentative: taxRepresentative) where broken(p) { at.append(p.name) }
        }
    }

    /// A rule on each child `part` of each party.
    static func eachPart(_ id: String, _ part: StaticString, taxRepresentative: Bool = false, _ message: String,
                         _ broken: @escaping (WrittenElement) -> Bool) -> any Rule {
        WrittenRule(id, message) { doc, at in
            for p in OIOUBLPlaces.parties(doc, taxRepresentative: taxRepresentative) {
                p.forEach(part) { e in if broken(e) { at.append(e.name) } }
            }
        }
    }

    /// `(x/@schemeID = s) and (string-length(x) != 10 or substring(x, 1, 2) != 'DK')`, with the length of
    /// `normalize-space(x)` where the rule says so.
    static func badDKNumber(_ e: WrittenElement, _ local: StaticString, scheme: String, normalized: Bool) -> Bool {
        guard e.attributeEq(local, "schemeID", scheme) else { return false }
        let raw = e.string(local)
        let length = normalized ? XPath.normalizeSpace(raw).count : raw.count
        return length != 10 || !raw.hasPrefix("DK")
    }

    /// Calls `body` with each contact F-LIB235 is stated on, in this order: every party's `Contact`, then the
    /// roles' own contacts.
    static func forEachContact(_ doc: WrittenElement, _ body: (WrittenElement) -> Void) {
        for p in OIOUBLPlaces.parties(doc) { p.forEach("Contact", body) }
        for name: StaticString in ["AccountingCustomerParty", "BuyerCustomerParty"] {
            doc.forEach(name) { role in
                role.forEach("AccountingContact", body); role.forEach("BuyerContact", body); role.forEach("DeliveryContact", body)
            }
        }
        for name: StaticString in ["AccountingSupplierParty", "SellerSupplierParty"] {
            doc.forEach(name) { role in
                role.forEach("AccountingContact", body); role.forEach("DespatchContact", body); role.forEach("SellerContact", body)
            }
        }
    }

    /// Calls `body` with the supplier's or the customer's party (each one written).
    static func forEachRole(_ doc: WrittenElement, _ role: StaticString, _ body: (WrittenElement) -> Void) {
        doc.forEach(role) { $0.forEach("Party", body) }
    }

    static let all: [any Rule] = [
        eachParty("F-LIB179", "Invalid EndpointID schemeID (not in the OIOUBL list)") { p in
            guard let e = p.child("EndpointID") else { return false }
            return !OIOUBLCodeLists.listed(e.attribute("schemeID") ?? "", in: OIOUBLCodeLists.endpointSchemes, set: OIOUBLCodeLists.endpointSchemeSet)
        },
        eachParty("F-LIB180", "schemeID = DK:CVR, EndpointID must be a valid CVR number (like 'DK12345678')") { badDKNumber($0, "EndpointID", scheme: "DK:CVR", normalized: false) },
        eachParty("F-LIB181", "schemeID = GLN, EndpointID must be a valid GLN number (13 characters)") { p in
            p.attributeEq("EndpointID", "schemeID", "GLN") && p.length("EndpointID") != 13
        },
        eachParty("F-LIB215", "schemeID = DK:CPR, EndpointID must be a valid CPR number (10 characters)") { p in
            p.attributeEq("EndpointID", "schemeID", "DK:CPR") && p.length("EndpointID") != 10
        },
        eachParty("F-LIB022", "PartyName/Name is mandatory if PartyIdentification/ID is not found") { p in
            let noIdentification = !p.has("PartyIdentification") || p.anyChild("PartyIdentification") { $0.eq("ID", "") }
            let noName = !p.has("PartyName") || p.anyChild("PartyName") { $0.eq("Name", "") }
            return noIdentification && noName
        },
        eachPart("F-LIB183", "PartyIdentification", "Invalid PartyIdentification/ID schemeID (not in the OIOUBL list)") { e in
            !OIOUBLCodeLists.listed(e.child("ID")?.attribute("schemeID") ?? "", in: OIOUBLCodeLists.partyIDSchemes, set: OIOUBLCodeLists.partyIDSchemeSet)
        },
        eachPart("F-LIB184", "PartyIdentification", "schemeID = DK:CVR, ID must be a valid CVR number (like 'DK12345678')") { badDKNumber($0, "ID", scheme: "DK:CVR", normalized: false) },
        eachPart("F-LIB187", "PartyLegalEntity", "Invalid CompanyID. Must contain a value") { $0.isBlank("CompanyID") },
        eachPart("F-LIB189", "PartyLegalEntity", "Invalid schemeID. Must be a valid scheme for PartyLegalEntity/CompanyID (DK:CVR, DK:CPR, ZZZ)") { e in
            !(e.attributeEq("CompanyID", "schemeID", "DK:CVR") || e.attributeEq("CompanyID", "schemeID", "DK:CPR") || e.attributeEq("CompanyID", "schemeID", "ZZZ"))
        },
        eachPart("F-LIB190", "PartyLegalEntity", "schemeID = DK:CVR, CompanyID must be a valid CVR number (like 'DK12345678')") { badDKNumber($0, "CompanyID", scheme: "DK:CVR", normalized: true) },
        eachPart("F-LIB193", "PartyTaxScheme", taxRepresentative: true, "Invalid CompanyID. Must contain a value") { $0.isBlank("CompanyID") },
        eachPart("F-LIB195", "PartyTaxScheme", taxRepresentative: true, "Invalid schemeID. Must be a valid scheme for PartyTaxScheme/CompanyID (DK:SE, ZZZ)") { e in
            !(e.attributeEq("CompanyID", "schemeID", "DK:SE") || e.attributeEq("CompanyID", "schemeID", "ZZZ"))
        },
        eachPart("F-LIB196", "PartyTaxScheme", taxRepresentative: true, "schemeID = DK:SE, CompanyID must be a valid SE number (like 'DK12345678')") { badDKNumber($0, "CompanyID", scheme: "DK:SE", normalized: true) },
        WrittenRule("F-LIB066", "Invalid TaxScheme Name. Must contain a value") { doc, at in
            for s in OIOUBLPlaces.taxSchemes(doc) where s.isBlank("Name") { at.append("cac:TaxScheme/cbc:Name") }
        },
        WrittenRule("F-LIB198", "Name must equal 'Moms' when TaxScheme/ID equals '63' (Moms)") { doc, at in
            for s in OIOUBLPlaces.taxSchemes(doc) where s.eq("ID", "63") && s.ne("Name", "Moms") { at.append("cac:TaxScheme/cbc:Name") }
        },
        WrittenRule("F-LIB197", "TaxTypeCode must be a value from the taxtypecode list (StandardRated, ZeroRated, ReverseCharge) when the scheme is not VAT") { doc, at in
            for s in OIOUBLPlaces.taxSchemes(doc) where !(s.eq("ID", "63") || s.eq("ID", "VAT"))
                && !OIOUBLCodeLists.listed(s.string("TaxTypeCode"), in: OIOUBLCodeLists.taxTypes2, set: OIOUBLCodeLists.taxType2Set) {
                at.append("cac:TaxScheme/cbc:TaxTypeCode")
            }
        },
        addressRule("F-LIB026", "Invalid AddressFormatCode listID. Must be either 'urn:oioubl:codelist:addressformatcode-1.1' or 'UN/ECE 3477'") { a, f in
            !f.has(.formatCode) || !(a.attributeEq("AddressFormatCode", "listID", "urn:oioubl:codelist:addressformatcode-1.1") || a.attributeEq("AddressFormatCode", "listID", "UN/ECE 3477"))
        },
        WrittenRule("F-LIB070", "Invalid schemeID. Must be either 'urn:oioubl:id:taxschemeid-1.1', '-1.2', '-1.4' or '-1.5'") { doc, at in
            for s in OIOUBLPlaces.taxSchemes(doc) where !taxSchemeIDs.contains(where: { s.attributeEq("ID", "schemeID", $0) }) {
                at.append("cac:TaxScheme/cbc:ID/@schemeID")
            }
        },
        addressRule("F-LIB207", "Invalid listAgencyID. Must be '320'") { a, f in
            f.has(.formatCode) && a.attributeEq("AddressFormatCode", "listID", "urn:oioubl:codelist:addressformatcode-1.1") && !a.attributeEq("AddressFormatCode", "listAgencyID", "320")
        },
        addressRule("F-LIB208", "Invalid listAgencyID. Must be '6'") { a, f in
            f.has(.formatCode) && a.attributeEq("AddressFormatCode", "listID", "UN/ECE 3477") && !a.attributeEq("AddressFormatCode", "listAgencyID", "6")
        },
        addressRule("F-LIB213", "When Country is used, the element Country/IdentificationCode must be filled out") { a, f in
            // `cac:Country and not(cac:Country/cbc:IdentificationCode != '')`
            f.has(.country) && !a.anyChild("Country") { $0.ne("IdentificationCode", "") }
        },
        addressRule("F-LIB032", "AddressLine elements not allowed for a StructuredDK address type") { _, f in
            f.is(.structuredDK) && f.has(.addressLine)
        },
        addressRule("F-LIB033", "PostalZone is mandatory for a StructuredDK address type") { a, f in
            f.is(.structuredDK) && a.isBlank("PostalZone")
        },
        addressRule("F-LIB034", "There should be either a StreetName or a Postbox for a StructuredDK address type") { a, f in
            f.is(.structuredDK) && a.isBlank("StreetName") && a.isBlank("Postbox")
        },
    ]
    + WrittenRule.pair("F-INV031", "F-CRN028", "Invalid supplier EndpointID. Must contain a value") { doc, at in
        forEachRole(doc, "AccountingSupplierParty") { p in if p.isBlank("EndpointID") { at.append("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID") } }
    }
    + WrittenRule.pair("F-INV044", "F-CRN040", "Invalid customer EndpointID. Must contain a value") { doc, at in
        forEachRole(doc, "AccountingCustomerParty") { p in if p.isBlank("EndpointID") { at.append("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID") } }
    }
    + WrittenRule.pair("F-INV034", "F-CRN031", "One PartyLegalEntity class must be present (supplier)") { doc, at in
        forEachRole(doc, "AccountingSupplierParty") { p in if p.count("PartyLegalEntity") != 1 { at.append("cac:AccountingSupplierParty/cac:Party") } }
    }
    + WrittenRule.pair("F-INV045", "F-CRN164", "No more than one PartyLegalEntity class may be present (customer)") { doc, at in
        forEachRole(doc, "AccountingCustomerParty") { p in if p.count("PartyLegalEntity") > 1 { at.append("cac:AccountingCustomerParty/cac:Party") } }
    }
    + WrittenRule.pair("F-INV051", "F-CRN047", "Invalid AccountingCustomerParty/Contact/ID. Must contain a value.") { doc, at in
        doc.forEach(["AccountingCustomerParty", "Party", "Contact"]) { c in if c.isBlank("ID") { at.append("cac:AccountingCustomerParty/cac:Party/cac:Contact/cbc:ID") } }
    }
    + [
        WrittenRule("F-LIB235", "At least one field in the Contact class should be specified") { doc, at in
            forEachContact(doc) { c in
                if contactFields.allSatisfy({ !c.has($0) || c.eq($0, "") }) && !c.has("OtherCommunication") { at.append("cac:Contact") }
            }
        },
    ]
    + WrittenRule.pair("F-INV046", "F-CRN042", "One Contact class must be present (customer)") { doc, at in
        forEachRole(doc, "AccountingCustomerParty") { p in if p.count("Contact") != 1 { at.append("cac:AccountingCustomerParty/cac:Party") } }
    }

    static let contactFields: [StaticString] = ["ID", "Name", "Telephone", "Telefax", "ElectronicMail", "Note"]

    static let taxSchemeIDs = ["urn:oioubl:id:taxschemeid-1.1", "urn:oioubl:id:taxschemeid-1.2", "urn:oioubl:id:taxschemeid-1.4", "urn:oioubl:id:taxschemeid-1.5"]

    /// A rule stated on every address (the F-LIB026 contexts), broken where `broken` holds (with what the address
    /// has, `AddressFacts`, found once).
    static func addressRule(_ id: String, _ message: String, _ broken: @escaping (WrittenElement, AddressFacts) -> Bool) -> WrittenRule {
        WrittenRule(id, message) { doc, at in
            let f = OIOUBLPlaces.of(doc)
            for i in f.addresses.indices where broken(f.addresses[i], f.addressFacts[i]) { at.append(f.addresses[i].name) }
        }
    }
}
