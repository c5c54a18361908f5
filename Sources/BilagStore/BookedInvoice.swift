import BilagCore

/// One booked invoice, built once by whoever books it (the pipeline for a robot, the manual queue for an operator)
/// and handed unchanged to every Outbox writer: what was booked, by whom, for which invoice, and how to post it.
///
/// The store keeps it as JSON in `journal_entry.line`, with the keys below (the keys journal lines have always had,
/// so entries written by earlier versions read back as they are); each writer lays it out in its own format.
@dynamicMemberLookup
public struct BookedInvoice: Codable, Hashable, Sendable {
    /// The stored fields, held in one box that copies share until one of them changes a field (copy on write): a
    /// booking goes from the robot through the commit to every Outbox writer as one retain. Encoded, compared and
    /// hashed as the fields themselves.
    public struct Fields: Codable, Hashable, Sendable {
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
        /// The VAT breakdown, payment means and supplier identifiers the voucher needs (nil for bookings made before they
        /// were kept).
        public var details: BookedInvoiceDetails?

        public init(invoiceID: String, bookedAt: String, bookedBy: String, supplierKey: String? = nil, supplierName: String? = nil, invoiceNumber: String? = nil,
                    issueDate: String? = nil, dueDate: String? = nil, documentKind: DocumentKind = .invoice, currency: String? = nil, amountDue: Amount? = nil,
                    totalWithoutVAT: Amount? = nil, totalVAT: Amount? = nil, postings: [Posting], pay: Bool = true, sha256: String? = nil, robot: String? = nil, historyKey: String? = nil,
                    details: BookedInvoiceDetails? = nil) {
            self.invoiceID = invoiceID; self.bookedAt = bookedAt; self.bookedBy = bookedBy; self.supplierKey = supplierKey; self.supplierName = supplierName
            self.invoiceNumber = invoiceNumber; self.issueDate = issueDate; self.dueDate = dueDate; self.documentKind = documentKind; self.currency = currency
            // What is paid: the invoice's amount due, or (an invoice without one) what the postings add up to.
            self.amountDue = amountDue ?? postings.reduce(Amount.zero) { $0 + $1.netAmount + $1.vatAmount }
            self.totalWithoutVAT = totalWithoutVAT; self.totalVAT = totalVAT; self.postings = postings; self.pay = pay; self.sha256 = sha256
            self.robot = robot; self.historyKey = historyKey; self.details = details
        }

        enum CodingKeys: String, CodingKey {
            case sha256, robot, historyKey = "history_key", details
            case invoiceID = "invoice_id", bookedAt = "booked_at", bookedBy = "booked_by", supplierKey = "supplier_key", supplierName = "supplier_name"
            case invoiceNumber = "invoice_number", issueDate = "issue_date", dueDate = "due_date", documentKind = "document_kind", currency
            case amountDue = "amount_due", totalWithoutVAT = "total_without_vat", totalVAT = "total_vat", postings, pay
        }
    }

    @usableFromInline var box: SharedFields<Fields>

    public init(invoiceID: String, bookedAt: String, bookedBy: String, supplierKey: String? = nil, supplierName: String? = nil, invoiceNumber: String? = nil,
                issueDate: String? = nil, dueDate: String? = nil, documentKind: DocumentKind = .invoice, currency: String? = nil, amountDue: Amount? = nil,
                totalWithoutVAT: Amount? = nil, totalVAT: Amount? = nil, postings: [Posting], pay: Bool = true, sha256: String? = nil, robot: String? = nil, historyKey: String? = nil,
                details: BookedInvoiceDetails? = nil) {
        box = SharedFields(Fields(invoiceID: invoiceID, bookedAt: bookedAt, bookedBy: bookedBy, supplierKey: supplierKey, supplierName: supplierName, invoiceNumber: invoiceNumber,
                         issueDate: issueDate, dueDate: dueDate, documentKind: documentKind, currency: currency, amountDue: amountDue, totalWithoutVAT: totalWithoutVAT,
                         totalVAT: totalVAT, postings: postings, pay: pay, sha256: sha256, robot: robot, historyKey: historyKey, details: details))
    }

    /// Each field of `Fields`, read in place and changed in place once the box is this value's own.
    @inlinable public subscript<T>(dynamicMember field: WritableKeyPath<Fields, T>) -> T {
        _read { yield box.fields[keyPath: field] }
        _modify { SharedFields.makeUnique(&box); yield &box.fields[keyPath: field] }
    }

    public init(from decoder: any Decoder) throws { box = SharedFields(try Fields(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try box.fields.encode(to: encoder) }
    public static func == (a: BookedInvoice, b: BookedInvoice) -> Bool { a.box === b.box || a.box.fields == b.box.fields }
    public func hash(into hasher: inout Hasher) { box.fields.hash(into: &hasher) }

}
