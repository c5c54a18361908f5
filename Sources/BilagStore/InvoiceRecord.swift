import BilagCore
import GRDB

/// One claimed file as the store knows it: where it came from, its outcome and the invoice's key fields.
public struct InvoiceRecord: Codable, Sendable, Equatable {
    public var id: String
    public var channel: String
    public var sourcePath: String
    public var storedPath: String
    public var sha256: String
    public var size: Int64
    public var receivedAt: String
    public var state: InvoiceState
    public var reasonCode: String?
    public var reasonMessage: String?
    public var syntax: String?
    public var profile: String?
    public var documentKind: String?
    public var invoiceNumber: String?
    public var issueDate: String?
    public var sellerKey: String?
    public var sellerName: String?
    public var currency: String?
    /// BT-115 signed by document kind, as decimal text.
    public var amountDue: String?
    public var duplicateOf: String?
    public var decidedBy: String?
    public var decidedAt: String?
    public var updatedAt: String
    public var attempts: Int

    enum CodingKeys: String, CodingKey {
        case id, channel, sourcePath = "source_path", storedPath = "stored_path", sha256, size, receivedAt = "received_at", state
        case reasonCode = "reason_code", reasonMessage = "reason_message", syntax, profile, documentKind = "document_kind"
        case invoiceNumber = "invoice_number", issueDate = "issue_date", sellerKey = "seller_key", sellerName = "seller_name"
        case currency, amountDue = "amount_due", duplicateOf = "duplicate_of", decidedBy = "decided_by", decidedAt = "decided_at"
        case updatedAt = "updated_at", attempts
    }

    static let columns = "id, channel, source_path, stored_path, sha256, size, received_at, state, reason_code, reason_message, syntax, profile, document_kind, invoice_number, issue_date, seller_key, seller_name, currency, amount_due, duplicate_of, decided_by, decided_at, updated_at, attempts"

    init(row: Row) {
        id = row[0]; channel = row[1]; sourcePath = row[2]; storedPath = row[3]; sha256 = row[4]; size = row[5]; receivedAt = row[6]
        state = InvoiceState(rawValue: row[7]) ?? .received
        reasonCode = row[8]; reasonMessage = row[9]; syntax = row[10]; profile = row[11]; documentKind = row[12]
        invoiceNumber = row[13]; issueDate = row[14]; sellerKey = row[15]; sellerName = row[16]; currency = row[17]
        amountDue = row[18]; duplicateOf = row[19]; decidedBy = row[20]; decidedAt = row[21]; updatedAt = row[22]; attempts = row[23]
    }
}

/// A file just claimed from the Inbox, recorded before any work on it.
public struct ClaimRecord: Sendable {
    public var id: String
    public var channel: String
    public var sourcePath: String
    public var storedPath: String
    public var sha256: String
    public var size: Int64
    public var receivedAt: String
    public init(id: String, channel: String, sourcePath: String, storedPath: String, sha256: String, size: Int64, receivedAt: String) {
        self.id = id; self.channel = channel; self.sourcePath = sourcePath; self.storedPath = storedPath; self.sha256 = sha256; self.size = size; self.receivedAt = receivedAt
    }
}

/// An audit event: every system step and every human action on an invoice.
public struct InvoiceEvent: Codable, Sendable {
    public var id: Int64
    public var invoiceID: String
    public var at: String
    /// `system`, `robot:NAME@HASH`, `operator:USER`
    public var actor: String
    public var action: String
    public var fromState: String?
    public var toState: String?
    public var detail: String?

    enum CodingKeys: String, CodingKey {
        case id, invoiceID = "invoice_id", at, actor, action, fromState = "from_state", toState = "to_state", detail
    }
}
