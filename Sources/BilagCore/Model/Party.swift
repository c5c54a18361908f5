/// A postal address (BG-5 seller, BG-8 buyer, BG-12 tax representative, BG-15 deliver-to).
public struct PostalAddress: Hashable, Codable, Sendable {
    /// BT-35 / BT-50 / BT-64 / BT-75
    public var addressLine1: String?
    /// BT-36 / BT-51 / BT-65 / BT-76
    public var addressLine2: String?
    /// BT-162 / BT-163 / BT-164 / BT-165
    public var addressLine3: String?
    /// BT-37 / BT-52 / BT-66 / BT-77
    public var city: String?
    /// BT-38 / BT-53 / BT-67 / BT-78
    public var postCode: String?
    /// BT-39 / BT-54 / BT-68 / BT-79
    public var countrySubdivision: String?
    /// BT-40 / BT-55 / BT-69 / BT-80
    public var countryCode: String?
    public init() {}
}

/// A contact (BG-6 seller, BG-9 buyer).
public struct Contact: Hashable, Codable, Sendable {
    /// OIOUBL `cac:Contact/cbc:ID` (not in EN 16931): the party's own reference for the contact. Danish public buyers
    /// put their internal reference here (OIOUBL has no BT-10 buyer reference).
    public var identifier: String?
    /// BT-41 / BT-56
    public var contactPoint: String?
    /// BT-42 / BT-57
    public var telephone: String?
    /// BT-43 / BT-58
    public var email: String?
    public init() {}
}

/// A trading party: the seller (BG-4) or the buyer (BG-7).
public struct Party: Hashable, Codable, Sendable {
    /// BT-27 / BT-44
    public var name: String?
    /// BT-28 / BT-45
    public var tradingName: String?
    /// BT-29 / BT-46 (the seller may carry several)
    public var identifiers: [Identifier] = []
    /// BT-30 / BT-47
    public var legalRegistrationIdentifier: Identifier?
    /// BT-31 / BT-48
    public var vatIdentifier: String?
    /// BT-32 (seller only)
    public var taxRegistrationIdentifier: String?
    /// BT-33 (seller only)
    public var additionalLegalInformation: String?
    /// BT-34 / BT-49 (the EndpointID: GLN/EAN, CVR, organisation number…)
    public var electronicAddress: Identifier?
    /// BG-5 / BG-8
    public var postalAddress: PostalAddress?
    /// BG-6 / BG-9
    public var contact: Contact?
    public init() {}
}

/// The payee when it is not the seller (BG-10).
public struct Payee: Hashable, Codable, Sendable {
    /// BT-59
    public var name: String?
    /// BT-60
    public var identifier: Identifier?
    /// BT-61
    public var legalRegistrationIdentifier: Identifier?
    public init() {}
}

/// The seller's tax representative (BG-11).
public struct TaxRepresentative: Hashable, Codable, Sendable {
    /// BT-62
    public var name: String?
    /// BT-63
    public var vatIdentifier: String?
    /// BG-12
    public var postalAddress: PostalAddress?
    public init() {}
}

/// Delivery information (BG-13).
public struct Delivery: Hashable, Codable, Sendable {
    /// BT-70
    public var deliverToName: String?
    /// BT-71
    public var locationIdentifier: Identifier?
    /// BT-72
    public var actualDeliveryDate: LocalDate?
    /// BG-15
    public var address: PostalAddress?
    public init() {}
}

/// A period (BG-14 invoicing period, BG-26 line period).
public struct Period: Hashable, Codable, Sendable {
    /// BT-73 / BT-134
    public var startDate: LocalDate?
    /// BT-74 / BT-135
    public var endDate: LocalDate?
    /// BT-8 (document level only): value-added tax point date code
    public var descriptionCode: String?
    public init() {}
}
