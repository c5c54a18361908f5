/// Document totals (BG-22).
public struct DocumentTotals: Hashable, Codable, Sendable {
    /// BT-106
    public var sumOfInvoiceLineNetAmount: Amount?
    /// BT-107
    public var sumOfAllowancesOnDocumentLevel: Amount?
    /// BT-108
    public var sumOfChargesOnDocumentLevel: Amount?
    /// BT-109
    public var invoiceTotalAmountWithoutVAT: Amount?
    /// BT-110 (in the document currency)
    public var invoiceTotalVATAmount: Amount?
    /// BT-111 (in the VAT accounting currency BT-6)
    public var invoiceTotalVATAmountInAccountingCurrency: Amount?
    /// BT-112
    public var invoiceTotalAmountWithVAT: Amount?
    /// BT-113
    public var paidAmount: Amount?
    /// BT-114
    public var roundingAmount: Amount?
    /// BT-115
    public var amountDueForPayment: Amount?
    public init() {}
}

/// One VAT breakdown row (BG-23).
public struct VATBreakdown: Hashable, Codable, Sendable {
    /// BT-116
    public var taxableAmount: Amount?
    /// BT-117
    public var taxAmount: Amount?
    /// BT-118 (UNCL 5305: S, Z, E, AE, K, G, O, L, M; OIOUBL uses StandardRated, ZeroRated, ReverseCharge…)
    public var categoryCode: String?
    /// BT-119
    public var rate: Amount?
    /// BT-120
    public var exemptionReasonText: String?
    /// BT-121
    public var exemptionReasonCode: String?
    public init() {}
}

/// A supporting document reference (BG-24).
public struct SupportingDocument: Hashable, Codable, Sendable {
    /// BT-122
    public var reference: String?
    /// BT-123
    public var description: String?
    /// BT-124
    public var externalLocation: String?
    /// BT-125: the attached binary object's MIME code and file name (the content itself stays in the original file)
    public var attachmentMimeCode: String?
    public var attachmentFilename: String?
    /// BT-18 lives here in UBL when `DocumentTypeCode` is 130
    public var typeCode: String?
    public init() {}
}

/// A note on the document (BG-1).
public struct Note: Hashable, Codable, Sendable {
    /// BT-21
    public var subjectCode: String?
    /// BT-22
    public var text: String
    public init(text: String, subjectCode: String? = nil) { self.text = text; self.subjectCode = subjectCode }
}

/// A preceding invoice reference (BG-3).
public struct PrecedingInvoiceReference: Hashable, Codable, Sendable {
    /// BT-25
    public var reference: String
    /// BT-26
    public var issueDate: LocalDate?
    public init(reference: String) { self.reference = reference }
}
