import BilagCore

/// Maps CII trade parties and addresses.
extension CIIReader {
    mutating func party(_ p: XMLElement?) -> Party {
        var party = Party()
        guard let p else { return party }
        for id in p.all(.ram, "ID") { if let v = id.trimmedText { party.identifiers.append(Identifier(v, scheme: id.attribute("schemeID"))) } }
        for id in p.all(.ram, "GlobalID") { if let i = fields.identifier(id) { party.identifiers.append(i) } }
        party.name = p.text(.ram, "Name")
        party.additionalLegalInformation = p.text(.ram, "Description")
        if let legal = p.first(.ram, "SpecifiedLegalOrganization") {
            party.legalRegistrationIdentifier = fields.identifier(legal.first(.ram, "ID"))
            party.tradingName = legal.text(.ram, "TradingBusinessName")
        }
        if let c = p.first(.ram, "DefinedTradeContact") {
            var contact = Contact()
            contact.contactPoint = c.text(.ram, "PersonName") ?? c.text(.ram, "DepartmentName")
            contact.telephone = c.first(.ram, "TelephoneUniversalCommunication")?.text(.ram, "CompleteNumber")
            contact.email = c.first(.ram, "EmailURIUniversalCommunication")?.text(.ram, "URIID")
            if contact != Contact() { party.contact = contact }
        }
        party.postalAddress = address(p.first(.ram, "PostalTradeAddress"))
        party.electronicAddress = fields.identifier(p.first(.ram, "URIUniversalCommunication")?.first(.ram, "URIID"))
        for reg in p.all(.ram, "SpecifiedTaxRegistration") {
            guard let idEl = reg.first(.ram, "ID"), let v = idEl.trimmedText else { continue }
            // The official rules take only schemeID="VA" (as written) as the VAT identifier and "FC" as the tax registration.
            switch idEl.rawAttribute("schemeID") {
            case "VA": party.vatIdentifier = party.vatIdentifier ?? v
            case "FC": party.taxRegistrationIdentifier = v
            default: break
            }
        }
        return party
    }

    func address(_ a: XMLElement?) -> PostalAddress? {
        guard let a else { return nil }
        var addr = PostalAddress()
        addr.postCode = a.text(.ram, "PostcodeCode")
        addr.addressLine1 = a.text(.ram, "LineOne")
        addr.addressLine2 = a.text(.ram, "LineTwo")
        addr.addressLine3 = a.text(.ram, "LineThree")
        addr.city = a.text(.ram, "CityName")
        addr.countryCode = a.text(.ram, "CountryID")
        addr.countrySubdivision = a.text(.ram, "CountrySubDivisionName")
        return addr
    }
}
