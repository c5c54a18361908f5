import BilagCore

/// What a voucher needs of a booked invoice beyond its postings: the VAT breakdown, how to pay, who the supplier is,
/// and what was prepaid or rounded. Absent from bookings made before bilag kept them (and from the journal lines of
/// those), which then post VAT from their postings.
public struct BookedInvoiceDetails: Codable, Hashable, Sendable {
    /// The invoice's VAT breakdown (BG-23), signed like the booking (negative for a credit note).
    public var vatBreakdown: [VATPart] = []
    /// How the supplier asks to be paid (BG-16), the first means given.
    public var payment: PaymentMeans?
    /// The supplier's legal registration (CVR, organisasjonsnummer: BT-30), VAT number (BT-31), electronic address (BT-34).
    public var supplierLegalID: String?
    public var supplierVATNumber: String?
    public var supplierEndpoint: String?
    /// BT-113 paid amount and BT-114 rounding amount, signed.
    public var paidAmount: Amount?
    public var roundingAmount: Amount?
    /// BT-10 buyer reference and BT-13 purchase order reference, for the ERP's matching.
    public var buyerReference: String?
    public var orderReference: String?

    public init() {}

    /// One VAT category and rate of the breakdown.
    public struct VATPart: Codable, Hashable, Sendable {
        public var category: String?
        public var rate: Amount?
        public var taxable: Amount
        public var tax: Amount
        public init(category: String?, rate: Amount?, taxable: Amount, tax: Amount) { self.category = category; self.rate = rate; self.taxable = taxable; self.tax = tax }
    }

    /// How to pay: the means code (UNCL 4461: 30/58 credit transfer, 31 debit transfer, 48 card, 49 direct debit…),
    /// the account (IBAN or domestic) and its bank, and the payment id the supplier wants back (KID, FIK, reference).
    public struct PaymentMeans: Codable, Hashable, Sendable {
        public var code: String?
        public var account: String?
        public var bic: String?
        public var paymentID: String?
        /// OIOUBL's FIK/giro fields: the payment id (`InstructionID`), the creditor number (`CreditAccount`) and the
        /// channel (`DK:FIK`, `DK:GIRO`, `DK:BANK`, `IBAN`); nil in bookings made before they were kept.
        public var instructionID: String?
        public var creditAccount: String?
        public var channel: String?
        public init(code: String? = nil, account: String? = nil, bic: String? = nil, paymentID: String? = nil, instructionID: String? = nil, creditAccount: String? = nil, channel: String? = nil) {
            self.code = code; self.account = account; self.bic = bic; self.paymentID = paymentID
            self.instructionID = instructionID; self.creditAccount = creditAccount; self.channel = channel
        }
        enum CodingKeys: String, CodingKey { case code, account, bic, paymentID = "payment_id", instructionID = "instruction_id", creditAccount = "credit_account", channel }
    }

    enum CodingKeys: String, CodingKey {
        case vatBreakdown = "vat_breakdown", payment, supplierLegalID = "supplier_legal_id", supplierVATNumber = "supplier_vat_number", supplierEndpoint = "supplier_endpoint"
        case paidAmount = "paid_amount", roundingAmount = "rounding_amount", buyerReference = "buyer_reference", orderReference = "order_reference"
    }
}
