import BilagCore

/// What EN 16931 requires of one VAT category (UNCL 5305): the ten rules BR-x-01…BR-x-10 that every category
/// family has, in the shape this category gives them.
///
/// S (standard), Z (zero), E (exempt), AE (reverse charge), K (intra-community, rules BR-IC-*), G (export),
/// O (not subject to VAT), L (IGIC, BR-AF-*) and M (IPSI, BR-AG-*).
struct VATCategoryFamily: Sendable {
    enum Presence: Sendable {
        /// S, L, M: a category used on lines/allowances/charges has at least one breakdown, and a breakdown needs a use.
        case atLeastOne
        /// The others: a category used anywhere has exactly one breakdown.
        case exactlyOne
    }
    enum Parties: Sendable {
        /// Seller VAT id or tax registration (BT-31/BT-32), or tax representative VAT id (BT-63).
        case sellerTaxRegistration
        /// As `sellerTaxRegistration`, and the buyer's VAT id (BT-48) or legal registration (BT-47).
        case reverseCharge
        /// Seller VAT id (BT-31) or tax representative VAT id (BT-63), and the buyer's VAT id (BT-48).
        case intraCommunity
        /// Seller VAT id (BT-31) or tax representative VAT id (BT-63).
        case sellerVAT
        /// None of BT-31, BT-63, BT-48.
        case noVATIdentifiers
    }
    enum Rate: Sendable { case positive, zero, absent, nonNegative }

    let code: String
    let set: CategorySet
    /// The rule id prefix, e.g. `BR-S`, `BR-IC`, `BR-AF`.
    let prefix: String
    let name: String
    let presence: Presence
    let parties: Parties
    let rate: Rate
    /// S, L, M: the taxable amount is checked per rate, with the official ±1 tolerance (UBL); the tax amount is
    /// taxable × rate. Otherwise the taxable amount is checked over the whole category and the tax amount is zero.
    let rated: Bool
    /// Whether a VAT exemption reason (BT-120/BT-121) is required (true) or forbidden (false).
    let exemptionReasonRequired: Bool

    func id(_ n: Int) -> String { prefix + (n < 10 ? "-0\(n)" : "-\(n)") }

    static let standard = VATCategoryFamily(code: "S", set: .S, prefix: "BR-S", name: "Standard rated", presence: .atLeastOne, parties: .sellerTaxRegistration, rate: .positive, rated: true, exemptionReasonRequired: false)
    static let zero = VATCategoryFamily(code: "Z", set: .Z, prefix: "BR-Z", name: "Zero rated", presence: .exactlyOne, parties: .sellerTaxRegistration, rate: .zero, rated: false, exemptionReasonRequired: false)
    static let exempt = VATCategoryFamily(code: "E", set: .E, prefix: "BR-E", name: "Exempt from VAT", presence: .exactlyOne, parties: .sellerTaxRegistration, rate: .zero, rated: false, exemptionReasonRequired: true)
    static let reverseCharge = VATCategoryFamily(code: "AE", set: .AE, prefix: "BR-AE", name: "VAT reverse charge", presence: .exactlyOne, parties: .reverseCharge, rate: .zero, rated: false, exemptionReasonRequired: true)
    static let intraCommunity = VATCategoryFamily(code: "K", set: .K, prefix: "BR-IC", name: "Intra-community supply", presence: .exactlyOne, parties: .intraCommunity, rate: .zero, rated: false, exemptionReasonRequired: true)
    static let export = VATCategoryFamily(code: "G", set: .G, prefix: "BR-G", name: "Export outside the EU", presence: .exactlyOne, parties: .sellerVAT, rate: .zero, rated: false, exemptionReasonRequired: true)
    static let notSubject = VATCategoryFamily(code: "O", set: .O, prefix: "BR-O", name: "Not subject to VAT", presence: .exactlyOne, parties: .noVATIdentifiers, rate: .absent, rated: false, exemptionReasonRequired: true)
    static let igic = VATCategoryFamily(code: "L", set: .L, prefix: "BR-AF", name: "IGIC", presence: .atLeastOne, parties: .sellerTaxRegistration, rate: .nonNegative, rated: true, exemptionReasonRequired: false)
    static let ipsi = VATCategoryFamily(code: "M", set: .M, prefix: "BR-AG", name: "IPSI", presence: .atLeastOne, parties: .sellerTaxRegistration, rate: .nonNegative, rated: true, exemptionReasonRequired: false)

    static let all = [standard, zero, exempt, reverseCharge, intraCommunity, export, notSubject, igic, ipsi]

    /// Whether the parties of the document meet what this category requires.
    func partiesHold(_ c: ValidationContext) -> Bool {
        switch parties {
        case .sellerTaxRegistration:
            return c.sellerHasTaxRegistration || c.taxRepresentativeHasVATIdentifier
        case .reverseCharge:
            return (c.sellerHasTaxRegistration || c.taxRepresentativeHasVATIdentifier) && (c.buyerHasVATIdentifier || c.buyerHasLegalRegistration)
        case .intraCommunity:
            return (c.sellerHasVATIdentifier || c.taxRepresentativeHasVATIdentifier) && c.buyerHasVATIdentifier
        case .sellerVAT:
            return c.sellerHasVATIdentifier || c.taxRepresentativeHasVATIdentifier
        case .noVATIdentifiers:
            return !c.sellerHasVATIdentifier && !c.taxRepresentativeHasVATIdentifier && !c.buyerHasVATIdentifier
        }
    }

    var partiesText: String {
        switch parties {
        case .sellerTaxRegistration: return "shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63)"
        case .reverseCharge: return "shall contain the Seller VAT Identifier (BT-31), the Seller Tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63) and the Buyer VAT identifier (BT-48) and/or the Buyer legal registration identifier (BT-47)"
        case .intraCommunity: return "shall contain the Seller VAT Identifier (BT-31) or the Seller tax representative VAT identifier (BT-63) and the Buyer VAT identifier (BT-48)"
        case .sellerVAT: return "shall contain the Seller VAT Identifier (BT-31) or the Seller tax representative VAT identifier (BT-63)"
        case .noVATIdentifiers: return "shall not contain the Seller VAT identifier (BT-31), the Seller tax representative VAT identifier (BT-63) or the Buyer VAT identifier (BT-48)"
        }
    }

    /// Whether `rate` is allowed for this category.
    func rateHolds(_ rate: Amount?) -> Bool { rateHolds(rate.exact) }

    func rateHolds(_ rate: Exact?) -> Bool {
        switch self.rate {
        case .positive: return (rate ?? 0) > 0
        case .zero: return rate.map { $0.isZero } ?? false
        case .absent: return rate == nil
        case .nonNegative: return rate.map { !$0.isNegative } ?? false
        }
    }

    var rateText: String {
        switch rate {
        case .positive: return "shall be greater than zero"
        case .zero: return "shall be 0 (zero)"
        case .absent: return "shall not be given"
        case .nonNegative: return "shall be 0 (zero) or greater than zero"
        }
    }
}
