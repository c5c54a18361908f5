import BilagCore

/// What the pipeline or an operator decided for one invoice; applied by `Store.apply` in one transaction.
@dynamicMemberLookup
public struct Outcome: Sendable {
    /// The stored fields, held in one box that copies share until one of them changes a field (copy on write):
    /// an outcome goes from a worker through the commit to the store as one retain, not one per text it holds.
    public struct Fields: Sendable {
        public var invoiceID: String
        public var state: InvoiceState
        public var reasonCode: String?
        public var reasonMessage: String?
        /// `system`, `robot:NAME@HASH`, `operator:USER`
        public var actor: String
        /// The audit action, e.g. `decided`, `approved`, `rejected`, `retried`.
        public var action: String
        public var summary: InvoiceSummary?
        public var duplicateOf: String?
        /// Present when the outcome books the invoice: what every Outbox writer is handed.
        public var booked: BookedInvoice?
        /// JSON of the validation report and the decision trace, kept for the operator.
        public var validationJSON: String?
        /// The decision trace as written (`JSONBytes`: bytes until read).
        public var trace: JSONBytes?
        public var traceJSON: String? {
            get { trace?.string }
            set { trace = newValue.map { JSONBytes($0) } }
        }
        /// Extra audit detail (JSON), e.g. the operator's note.
        public var detail: String?
        /// Robot decisions to record (the acting one, and any shadow robots').
        public var decisions: [StoredDecision] = []
        /// Case-system updates to send once this commits.
        public var caseUpdates: [NewCaseUpdate] = []
        /// For an invoice left `received` to wait for a case system: when to try again.
        public var retryAt: String?

        public init(invoiceID: String, state: InvoiceState, reasonCode: String? = nil, reasonMessage: String? = nil, actor: String, action: String) {
            self.invoiceID = invoiceID; self.state = state; self.reasonCode = reasonCode; self.reasonMessage = reasonMessage; self.actor = actor; self.action = action
        }
    }

    @usableFromInline var box: SharedFields<Fields>

    public init(invoiceID: String, state: InvoiceState, reasonCode: String? = nil, reasonMessage: String? = nil, actor: String, action: String) {
        box = SharedFields(Fields(invoiceID: invoiceID, state: state, reasonCode: reasonCode, reasonMessage: reasonMessage, actor: actor, action: action))
    }

    /// Each field of `Fields`, read in place and changed in place once the box is this value's own.
    @inlinable public subscript<T>(dynamicMember field: WritableKeyPath<Fields, T>) -> T {
        _read { yield box.fields[keyPath: field] }
        _modify { SharedFields.makeUnique(&box); yield &box.fields[keyPath: field] }
    }
}

/// The key fields of a parsed invoice, stored in columns for search and duplicate checks.
public struct InvoiceSummary: Sendable {
    public var syntax: String
    public var profile: String
    public var documentKind: DocumentKind
    public var invoiceNumber: String?
    /// The invoice number as the duplicate check compares it (`Identifiers.invoiceNumberKey`).
    public var numberKey: String?
    public var issueDate: String?
    public var dueDate: String?
    public var sellerKey: String?
    public var sellerName: String?
    public var currency: String?
    /// The amounts as the database keeps them (decimal text, scale as written), formatted once here.
    public var amountDue: String?
    public var totalWithoutVAT: String?
    public var totalVAT: String?
    public init(invoice: Invoice) {
        syntax = invoice.syntax.rawValue
        profile = invoice.profile.rawValue
        documentKind = invoice.documentKind
        invoiceNumber = invoice.invoiceNumber
        numberKey = invoice.invoiceNumber.flatMap(Identifiers.invoiceNumberKey)
        issueDate = invoice.issueDate?.description
        dueDate = invoice.paymentDueDate?.description
        sellerKey = invoice.sellerKey
        sellerName = invoice.seller.name ?? invoice.seller.tradingName
        currency = invoice.documentCurrencyCode?.code
        amountDue = invoice.signedAmountDue?.description
        totalWithoutVAT = invoice.signedTotalWithoutVAT?.description
        totalVAT = invoice.signedTotalVAT?.description
    }
}

/// A booking: the posting lines and whether to pay.
public struct Booking: Sendable {
    public var postings: [Posting]
    public var pay: Bool
    public init(postings: [Posting], pay: Bool = true) { self.postings = postings; self.pay = pay }
}

/// A case-system update to queue with the booking.
public struct NewCaseUpdate: Sendable {
    public var connector: String
    public var action: String
    /// JSON of the update (params, idempotency key).
    public var payload: String
    public var idempotencyKey: String
    public init(connector: String, action: String, payload: String, idempotencyKey: String) {
        self.connector = connector; self.action = action; self.payload = payload; self.idempotencyKey = idempotencyKey
    }
}
