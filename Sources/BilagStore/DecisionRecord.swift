import BilagCore

/// A robot's decision as stored for the operator and the auditor: which robot, which version of its file,
/// under which legal basis, what it concluded and every step it took.
public struct StoredDecision: Codable, Sendable {
    public var id: Int64
    public var invoiceID: String
    public var decidedAt: String
    public var robot: String
    public var robotHash: String
    public var legalBasis: String?
    /// `live` or `shadow` (recorded, not acted on).
    public var mode: String
    /// `book`, `manual`, `waiting`
    public var outcome: String
    public var reasonCode: String?
    public var message: String?
    public var historyKey: String?
    public var amount: String?
    public var issueDate: String?
    public var invoiceNumber: String?
    public var periodKey: String?
    /// The robot's steps as JSON (`[{"line":…}]`), as written: bytes until read (`traceJSON`).
    public var trace: JSONBytes
    /// The robot's steps as JSON text.
    public var traceJSON: String {
        get { trace.string }
        set { trace = JSONBytes(newValue) }
    }

    enum CodingKeys: String, CodingKey {
        case id, invoiceID = "invoice_id", decidedAt = "decided_at", robot, robotHash = "robot_hash", legalBasis = "legal_basis", mode, outcome
        case reasonCode = "reason_code", message, historyKey = "history_key", amount, issueDate = "issue_date", invoiceNumber = "invoice_number", periodKey = "period_key", trace
    }

    public init(invoiceID: String, robot: String, robotHash: String, legalBasis: String?, mode: String, outcome: String, reasonCode: String?, message: String?, historyKey: String?, amount: String?, issueDate: String?, invoiceNumber: String?, periodKey: String?, traceJSON: String) {
        self.init(invoiceID: invoiceID, robot: robot, robotHash: robotHash, legalBasis: legalBasis, mode: mode, outcome: outcome, reasonCode: reasonCode, message: message,
                  historyKey: historyKey, amount: amount, issueDate: issueDate, invoiceNumber: invoiceNumber, periodKey: periodKey, trace: JSONBytes(traceJSON))
    }

    /// A decision whose trace is JSON bytes as written (`JSONBytes`), not made a String on the way to the store.
    public init(invoiceID: String, robot: String, robotHash: String, legalBasis: String?, mode: String, outcome: String, reasonCode: String?, message: String?, historyKey: String?, amount: String?, issueDate: String?, invoiceNumber: String?, periodKey: String?, trace: JSONBytes) {
        self.id = 0; self.invoiceID = invoiceID; self.decidedAt = ""; self.robot = robot; self.robotHash = robotHash; self.legalBasis = legalBasis; self.mode = mode
        self.outcome = outcome; self.reasonCode = reasonCode; self.message = message; self.historyKey = historyKey; self.amount = amount
        self.issueDate = issueDate; self.invoiceNumber = invoiceNumber; self.periodKey = periodKey; self.trace = trace
    }
}

/// A case-system update waiting to be sent (or sent), with its idempotency key.
public struct PendingCaseUpdate: Sendable {
    public var id: Int64
    public var invoiceID: String
    public var connector: String
    public var action: String
    public var payload: String
    public var idempotencyKey: String
    public var attempts: Int
    /// Since when its sends have failed (an ISO timestamp), nil while none has.
    public var failingSince: String? = nil
    /// The idempotency key of the write-back this update reverses; nil for a robot's own write-back.
    public var compensates: String? = nil
}

/// A payment plan, invoice plan or pre-posting: which invoices it covers and how they are posted.
public struct PaymentPlan: Codable, Sendable, Equatable {
    public var id: String
    public var name: String?
    /// `payment-plan`, `invoice-plan` or `pre-posting`
    public var kind: String
    public var supplierCVR: String
    public var receiverEAN: String
    public var minAmount: Amount?
    public var maxAmount: Amount?
    /// `monthly`, `quarterly`, `yearly`, or nil for no expectation.
    public var cadence: String?
    public var orderNumber: String?
    public var invoicePrefix: String?
    /// An identifier printed on the invoice: metering point, phone number, contract number.
    public var identifier: String?
    public var account: String
    public var dimensions: [String: String]
    public var vatCode: String?
    public var validFrom: LocalDate
    /// The last day the plan applies; `PaymentPlan.openEnded` for a plan without an end (`valid_to` left empty).
    public var validTo: LocalDate
    public var endedAt: String?
    public var createdAt: String
    public var createdBy: String
    public var note: String?

    /// The `validTo` of an open-ended plan: it never expires and is never due for renewal.
    public static let openEnded = LocalDate(parsing: "9999-12-31")!
    /// Whether the plan has no end date.
    public var isOpenEnded: Bool { validTo == Self.openEnded }

    enum CodingKeys: String, CodingKey {
        case id, name, kind, supplierCVR = "supplier_cvr", receiverEAN = "receiver_ean", minAmount = "min_amount", maxAmount = "max_amount", cadence
        case orderNumber = "order_number", invoicePrefix = "invoice_prefix", identifier, account, dimensions, vatCode = "vat_code"
        case validFrom = "valid_from", validTo = "valid_to", endedAt = "ended_at", createdAt = "created_at", createdBy = "created_by", note
    }

    public init(id: String, name: String? = nil, kind: String, supplierCVR: String, receiverEAN: String, minAmount: Amount? = nil, maxAmount: Amount? = nil, cadence: String? = nil, orderNumber: String? = nil, invoicePrefix: String? = nil, identifier: String? = nil, account: String, dimensions: [String: String] = [:], vatCode: String? = nil, validFrom: LocalDate, validTo: LocalDate, createdBy: String, note: String? = nil) {
        self.id = id; self.name = name; self.kind = kind; self.supplierCVR = supplierCVR; self.receiverEAN = receiverEAN; self.minAmount = minAmount; self.maxAmount = maxAmount
        self.cadence = cadence; self.orderNumber = orderNumber; self.invoicePrefix = invoicePrefix; self.identifier = identifier; self.account = account; self.dimensions = dimensions
        self.vatCode = vatCode; self.validFrom = validFrom; self.validTo = validTo; self.endedAt = nil; self.createdAt = Timestamp.string(); self.createdBy = createdBy; self.note = note
    }
}
