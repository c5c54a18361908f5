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

/// A line of the posting journal: one per booked invoice.
public struct JournalLine: Codable, Hashable, Sendable {
    public var seq: Int64
    public var invoiceID: String
    public var bookedAt: String
    /// `robot:NAME@HASH`, `operator:USER`
    public var bookedBy: String
    public var supplierKey: String?
    public var supplierName: String?
    public var invoiceNumber: String?
    public var issueDate: String?
    public var dueDate: String?
    public var documentKind: DocumentKind
    public var currency: String?
    /// BT-115 signed: what is paid (negative for a credit note).
    public var amountDue: Amount
    public var totalWithoutVAT: Amount?
    public var totalVAT: Amount?
    public var postings: [Posting]
    public var pay: Bool
    /// The SHA-256 of the invoice's original bytes: with `invoiceID`, what makes a booking written twice impossible to miss.
    public var sha256: String?
    /// The robot whose history this booking belongs to, and the key it filed it under (the last live robot decision,
    /// whoever booked): what `bilag store rebuild` restores robots' `history` from.
    public var robot: String?
    public var historyKey: String?

    enum CodingKeys: String, CodingKey {
        case sha256, robot, historyKey = "history_key"
        case seq, invoiceID = "invoice_id", bookedAt = "booked_at", bookedBy = "booked_by", supplierKey = "supplier_key", supplierName = "supplier_name"
        case invoiceNumber = "invoice_number", issueDate = "issue_date", dueDate = "due_date", documentKind = "document_kind", currency
        case amountDue = "amount_due", totalWithoutVAT = "total_without_vat", totalVAT = "total_vat", postings, pay
    }
}
