import BilagCore
import BilagRobotLanguage

/// Earlier invoices a robot booked, by key (e.g. a tenancy), for `history` steps.
public protocol HistoryProvider: Sendable {
    /// The robot's booked invoices with this key, latest first in business order (`HistoryEntry.latestFirst`), as far
    /// as `cut` lets them count.
    func booked(robot: String, key: String, limit: Int, cut: HistoryCut) throws -> [HistoryEntry]
}

/// Where the history an invoice sees ends: only invoices before it in **business order** count.
///
/// - `issuedOnOrBefore`: the invoice's issue date. A booking of an invoice issued later does not count, even when it
///   was decided first (a December invoice that arrived before the October one is not October's "last").
/// - `decidedBefore`: for a replay or a re-evaluation, the invoice's first decision; only invoices first decided
///   before it count, as the history stood for this invoice then — not what was booked meanwhile.
public struct HistoryCut: Sendable, Equatable {
    public var issuedOnOrBefore: LocalDate?
    public var decidedBefore: Int64?
    public init(issuedOnOrBefore: LocalDate? = nil, decidedBefore: Int64? = nil) {
        self.issuedOnOrBefore = issuedOnOrBefore; self.decidedBefore = decidedBefore
    }

    /// Whether an entry issued on `date` may count (an entry without a date always may).
    public func admits(issued date: LocalDate?) -> Bool {
        guard let limit = issuedOnOrBefore, let date else { return true }
        return date <= limit
    }
}

/// One earlier booking.
public struct HistoryEntry: Sendable, Equatable {
    /// `entries` (most recently decided first) latest first in business order: by issue date, the most recently
    /// decided first among the same day's, those of no known date last.
    public static func latestFirst(_ entries: [HistoryEntry]) -> [HistoryEntry] {
        entries.enumerated().sorted { a, b in
            let x = a.element.issueDate, y = b.element.issueDate
            if x != y { return x.map { d in y.map { d > $0 } ?? true } ?? false }
            return a.offset < b.offset
        }.map(\.element)
    }

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
    /// Every booking counts, whenever issued or decided: the second look a re-evaluation's booking must pass too
    /// (`RobotDecider`), so that nothing booked meanwhile is paid again.
    public var historyUncut = false
    /// Deviations an operator approved (`bilag queue approve` of an invoice the robot stopped with one of these reasons):
    /// the run goes on past them, so that the robot's booking — its write-backs above all — is what the approval books.
    public var accepted: Set<String> = []

    /// Where this invoice's `history` ends: invoices issued after it never count; in a replay or re-evaluation, nor
    /// do those first decided after it.
    public var historyCut: HistoryCut { historyUncut ? HistoryCut() : HistoryCut(issuedOnOrBefore: invoice.issueDate, decidedBefore: historyAsOf) }

    /// `variables`: `InvoiceVariables.values` of this invoice, channel and date when the caller has them already;
    /// otherwise worked out, those `needs` names (the robots that will run can read no others).
    public init(invoiceID: String, channel: String, invoice: Invoice, today: LocalDate, connectors: [String: Connector], history: HistoryProvider, plans: PlanProvider,
                variables: [String: Value]? = nil, needs: InvoiceVariables.Needs = .all) {
        self.invoiceID = invoiceID; self.channel = channel; self.invoice = invoice; self.today = today; self.connectors = connectors; self.history = history; self.plans = plans
        self.variables = variables ?? InvoiceVariables.values(invoice, channel: channel, today: today, needs: needs)
    }
}

/// No history (for dry runs without a database).
public struct NoHistory: HistoryProvider {
    public init() {}
    public func booked(robot: String, key: String, limit: Int, cut: HistoryCut) throws -> [HistoryEntry] { [] }
}

/// No plans.
public struct NoPlans: PlanProvider {
    public init() {}
    public func plan(for invoice: Invoice, variables: [String: Value], on date: LocalDate) throws -> [String: Value]? { nil }
    public func hasPlans(for invoice: Invoice, variables: [String: Value]) throws -> Bool { false }
}
