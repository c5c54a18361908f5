/// The accounts a voucher posts to beside its postings' expense accounts (`outbox.vouchers` in bilag.yaml). The
/// defaults are placeholders: set them to the municipality's chart of accounts.
public struct VoucherAccounts: Sendable, Equatable {
    /// Supplier payables (DK kreditorer, NO leverandørgjeld): the voucher's credit for what is to be paid.
    public var payable = "2400"
    /// Input VAT (DK købsmoms, NO inngående mva), unless `vatByCode` names an account for the VAT code.
    public var vat = "2630"
    public var vatByCode: [String: String] = [:]
    /// Öre/øre rounding (BT-114), and anything a voucher would otherwise miss to balance.
    public var rounding = "7990"
    /// What the supplier was paid in advance (BT-113).
    public var prepaid = "2450"

    public init() {}

    /// The account for VAT posted under `code`.
    public func vatAccount(_ code: String?) -> String { code.flatMap { vatByCode[$0] } ?? vat }
}
