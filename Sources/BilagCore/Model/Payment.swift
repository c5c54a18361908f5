/// Payment instructions (BG-16).
public struct PaymentInstructions: Hashable, Codable, Sendable {
    /// BT-81 (UNCL 4461: 30 credit transfer, 31 debit transfer, 42 payment to bank account, 49 direct debit, 58 SEPA, 93 FIK/giro reference…)
    public var paymentMeansTypeCode: String?
    /// BT-82
    public var paymentMeansText: String?
    /// BT-83
    public var remittanceInformation: String?
    /// BG-17
    public var creditTransfers: [CreditTransfer] = []
    /// BG-18
    public var paymentCard: PaymentCard?
    /// BG-19
    public var directDebit: DirectDebit?
    /// BT-9 due date when given on the payment means (OIOUBL `PaymentDueDate`)
    public var paymentDueDate: LocalDate?
    /// OIOUBL `PaymentChannelCode` (DK:BANK, DK:FIK, DK:GIRO, DK:NEMKONTO…)
    public var paymentChannelCode: String?
    /// OIOUBL `InstructionID` / FIK card type and creditor (for FIK/giro payments)
    public var instructionIdentifier: String?
    /// OIOUBL `CreditAccount/AccountID`: the FIK creditor number
    public var creditAccount: String?
    public init() {}
}

/// A credit transfer account (BG-17).
public struct CreditTransfer: Hashable, Codable, Sendable {
    /// BT-84 (IBAN or a national account number)
    public var paymentAccountIdentifier: Identifier?
    /// BT-85
    public var paymentAccountName: String?
    /// BT-86 (BIC or bank registration number)
    public var paymentServiceProviderIdentifier: String?
    public init() {}
}

/// Payment card information (BG-18).
public struct PaymentCard: Hashable, Codable, Sendable {
    /// BT-87
    public var primaryAccountNumber: String?
    /// BT-88
    public var holderName: String?
    public init() {}
}

/// Direct debit (BG-19).
public struct DirectDebit: Hashable, Codable, Sendable {
    /// BT-89
    public var mandateReferenceIdentifier: String?
    /// BT-90
    public var bankAssignedCreditorIdentifier: String?
    /// BT-91
    public var debitedAccountIdentifier: String?
    public init() {}
}
