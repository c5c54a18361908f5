import BilagCore
import BilagRobotLanguage

/// Earlier invoices a robot booked, by key (e.g. a tenancy), for `history` steps.
public protocol HistoryProvider: Sendable {
    /// The robot's booked invoices with this key, newest first; with `before` (a decision id), only those first
    /// decided before it — the history as it stood then.
    func booked(robot: String, key: String, limit: Int, before: Int64?) throws -> [HistoryEntry]
}

/// One earlier booking.
public struct HistoryEntry: Sendable, Equatable {
    public var invoiceID: String
    public var amount: Amount
    public var issueDate: LocalDate?
    public var invoiceNumber: String?
    public var periodKey: String?
    public init(invoiceID: String, amount: Amount, issueDate: LocalDate?, invoiceNumber: String?, periodKey: String? = nil) {
        self.invoiceID = invoiceID; self.amount = amount; self.issueDate = issueDate; self.invoiceNumber = invoiceNumber; self.periodKey = periodKey
    }
}

/// The payment plans a `plan` step consults.
public protocol PlanProvider: Sendable {
    /// The plan covering this invoice (a record shaped like `PlanRecord.type`), or nil.
    func plan(for invoice: Invoice, variables: [String: Value], on date: LocalDate) throws -> [String: Value]?
    /// Whether any plan names this invoice's supplier and receiver at all (a `plan` step with `none: decline`
    /// declines when none does).
    func hasPlans(for invoice: Invoice, variables: [String: Value]) throws -> Bool
}

extension PlanProvider {
    public func hasPlans(for invoice: Invoice, variables: [String: Value]) throws -> Bool { true }
}

/// Everything a robot run may touch: the invoice, the connectors named in configuration, history and plans.
public struct RobotContext: Sendable {
    public let invoiceID: String
    public let channel: String
    public let invoice: Invoice
    /// The decision date (`today` in expressions); fixed per run so replays are reproducible.
    public let today: LocalDate
    /// The invoice's variables for expressions (`InvoiceVariables`), built once per decision.
    public let variables: [String: Value]
    public var connectors: [String: Connector]
    public var history: HistoryProvider
    public var plans: PlanProvider
    /// A replay of an invoice already decided: lookups ignore the invoice's own case updates, history its own booking.
    public var isReplay = false
    /// For a replay or a re-evaluation: the invoice's first decision. `history` then sees only the bookings of invoices
    /// decided before it, as it stood for this invoice — not what was booked meanwhile.
    public var historyAsOf: Int64?

    public init(invoiceID: String, channel: String, invoice: Invoice, today: LocalDate, connectors: [String: Connector], history: HistoryProvider, plans: PlanProvider) {
        self.invoiceID = invoiceID; self.channel = channel; self.invoice = invoice; self.today = today; self.connectors = connectors; self.history = history; self.plans = plans
        self.variables = InvoiceVariables.values(invoice, channel: channel, today: today)
    }
}

/// No history (for dry runs without a database).
public struct NoHistory: HistoryProvider {
    public init() {}
    public func booked(robot: String, key: String, limit: Int, before: Int64?) throws -> [HistoryEntry] { [] }
}

/// No plans.
public struct NoPlans: PlanProvider {
    public init() {}
    public func plan(for invoice: Invoice, variables: [String: Value], on date: LocalDate) throws -> [String: Value]? { nil }
    public func hasPlans(for invoice: Invoice, variables: [String: Value]) throws -> Bool { false }
}
