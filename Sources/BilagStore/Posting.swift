import BilagCore

/// One posting line of a booking: where the expense goes in the ledger.
public struct Posting: Codable, Hashable, Sendable {
    /// The general-ledger account (DK artskonto / NO konto).
    public var account: String
    /// Dimensions such as cost centre, project, activity: name → value.
    public var dimensions: [String: String]
    /// The amount excluding VAT, signed (negative for a credit note).
    public var netAmount: Amount
    /// The VAT amount, signed.
    public var vatAmount: Amount
    /// The VAT code the ERP applies (e.g. `I25` input VAT 25 %), if any.
    public var vatCode: String?
    /// Free text for the ledger line.
    public var text: String?

    public init(account: String, dimensions: [String: String] = [:], netAmount: Amount, vatAmount: Amount, vatCode: String? = nil, text: String? = nil) {
        self.account = account; self.dimensions = dimensions; self.netAmount = netAmount; self.vatAmount = vatAmount; self.vatCode = vatCode; self.text = text
    }

    enum CodingKeys: String, CodingKey {
        case account, dimensions, netAmount = "net_amount", vatAmount = "vat_amount", vatCode = "vat_code", text
    }
}
