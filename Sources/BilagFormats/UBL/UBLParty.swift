import BilagCore

/// Maps UBL `cac:Party` and `cac:PostalAddress` into the canonical model.
extension UBLReader {
    mutating func party(_ p: XMLElement?) -> Party {
        var party = Party()
        guard let p else { return party }
        party.electronicAddress = fields.identifier(p.first(.cbc, "EndpointID"))
        for id in p.all(.cac, "PartyIdentification") {
            if let i = fields.identifier(id.first(.cbc, "ID")) { party.identifiers.append(i) }
        }
        party.tradingName = p.first(.cac, "PartyName")?.text(.cbc, "Name")
        party.postalAddress = address(p.first(.cac, "PostalAddress"))
        for scheme in p.all(.cac, "PartyTaxScheme") {
            guard let companyID = scheme.text(.cbc, "CompanyID") else { continue }
            let schemeID = scheme.first(.cac, "TaxScheme")?.text(.cbc, "ID")?.uppercased()
            // EN 16931 uses TaxScheme "VAT"; OIOUBL uses "63" (moms) with the SE number.
            if schemeID == "VAT" || schemeID == "63" { party.vatIdentifier = party.vatIdentifier ?? companyID } else { party.taxRegistrationIdentifier = companyID }
        }
        if let legal = p.first(.cac, "PartyLegalEntity") {
            party.name = legal.text(.cbc, "RegistrationName")
            party.legalRegistrationIdentifier = fields.identifier(legal.first(.cbc, "CompanyID"))
            party.additionalLegalInformation = legal.text(.cbc, "CompanyLegalForm")
        }
        if let c = p.first(.cac, "Contact") {
            var contact = Contact()
            contact.identifier = c.text(.cbc, "ID")
            contact.contactPoint = c.text(.cbc, "Name")
            contact.telephone = c.text(.cbc, "Telephone")
            contact.email = c.text(.cbc, "ElectronicMail")
            if contact != Contact() { party.contact = contact }
        }
        return party
    }

    func address(_ a: XMLElement?) -> PostalAddress? {
        guard let a else { return nil }
        var addr = PostalAddress()
        addr.addressLine1 = a.text(.cbc, "StreetName")
        if addr.addressLine1 != nil, let number = a.text(.cbc, "BuildingNumber") { addr.addressLine1! += " " + number }
        addr.addressLine2 = a.text(.cbc, "AdditionalStreetName")
        addr.addressLine3 = a.first(.cac, "AddressLine")?.text(.cbc, "Line")
        addr.city = a.text(.cbc, "CityName")
        addr.postCode = a.text(.cbc, "PostalZone")
        addr.countrySubdivision = a.text(.cbc, "CountrySubentity")
        addr.countryCode = a.first(.cac, "Country")?.text(.cbc, "IdentificationCode")
        return addr
    }
}
