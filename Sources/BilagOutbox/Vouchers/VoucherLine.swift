import BilagCore

/// One line of a voucher: an account, its dimensions, and a signed amount (a debit positive, a credit negative),
/// rounded to the currency's minor unit.
public struct VoucherLine: Codable, Hashable, Sendable {
    /// What the line posts.
    public enum Role: String, Codable, Sendable, CaseIterable {
        /// The cost, from a posting (account and dimensions from the robot, plan or operator).
        case expense
        /// Input VAT, from the invoice's VAT breakdown and the posting's VAT code.
        case vat
        /// What is owed the supplier: the amount due, carrying due date and payment means (on the voucher).
        case payable
        /// What was paid in advance (BT-113).
        case prepaid
        /// The invoice's rounding (BT-114), and any difference the voucher needs to balance.
        case rounding
    }

    public var role: Role
    public var account: String
    public var dimensions: [String: String]
    public var amount: Amount
    public var vatCode: String?
    public var vatRate: Amount?
    public var text: String?

    public init(role: Role, account: String, dimensions: [String: String] = [:], amount: Amount, vatCode: String? = nil, vatRate: Amount? = nil, text: String? = nil) {
        self.role = role; self.account = account; self.dimensions = dimensions; self.amount = amount; self.vatCode = vatCode; self.vatRate = vatRate; self.text = text
    }

    /// The amount on the debit side (zero for a credit).
    public var debit: Amount { amount.value > 0 ? amount : Amount(0, scale: amount.scale) }
    /// The amount on the credit side, positive (zero for a debit).
    public var credit: Amount { amount.value < 0 ? -amount : Amount(0, scale: amount.scale) }
}
