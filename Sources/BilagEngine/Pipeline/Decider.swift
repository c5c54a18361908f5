import Foundation
import BilagCore
import BilagRobots
import BilagStore
import BilagValidation

/// What the decide stage concluded for one invoice.
public enum Decision: Sendable {
    /// Book (and pay) with these postings.
    case book(Booking)
    /// Send to the manual queue with a reason code and a message an operator understands.
    case manual(reason: String, message: String)
    /// A case system could not answer: the invoice waits (state `received`) and is tried again with backoff, not
    /// before `notBefore` when the case system asked for a pause (`Retry-After`) or its circuit breaker is open.
    case wait(connector: String, message: String, notBefore: Date? = nil)
}

/// One step of a decision, for the trace the operator and the auditor read.
public struct TraceStep: Codable, Sendable {
    public var step: String
    public var result: String
    public var detail: String?
    public var micros: Int?
    /// Set on the step that stands for the steps of the robot that kept the invoice (`StoredTrace`): how many, and the
    /// robot whose live decision, stored with it, holds them.
    public var steps: Int?
    public var stepsOfDecision: String?
    public init(step: String, result: String, detail: String? = nil, micros: Int? = nil) {
        self.step = step; self.result = result; self.detail = detail; self.micros = micros
    }

    /// The step standing for the `count` steps of `robot`'s live decision, which hold them.
    public static func stepsOf(_ robot: String, count: Int) -> TraceStep {
        var s = TraceStep(step: "steps of robot \(robot)", result: "\(count) steps, in its live decision")
        s.steps = count
        s.stepsOfDecision = robot
        return s
    }

    enum CodingKeys: String, CodingKey { case step, result, detail, micros, steps, stepsOfDecision = "steps_of_decision" }
}

/// A decision with who made it and how.
public struct DecisionRecord: Sendable {
    public var decision: Decision
    /// `system`, or `robot:NAME@HASH` for robots.
    public var actor: String
    public var trace: [TraceStep]
    /// The robot decisions to store (the acting robot's and any shadow robots').
    public var decisions: [StoredDecision]
    /// Case-system updates to queue with a booking.
    public var caseUpdates: [NewCaseUpdate]
    public init(decision: Decision, actor: String, trace: [TraceStep], decisions: [StoredDecision] = [], caseUpdates: [NewCaseUpdate] = []) {
        self.decision = decision; self.actor = actor; self.trace = trace; self.decisions = decisions; self.caseUpdates = caseUpdates
    }
}

/// Everything a decider may look at.
public struct DecisionInput: Sendable {
    public var invoiceID: String
    public var channel: String
    public var invoice: Invoice
    public var validation: ValidationReport
    /// Taken up again from the store (it may have been decided before); false for a file just claimed.
    public var takenUpAgain = false
    /// The answers of its lookups to slow case systems, asked ahead while other invoices were (`Decider.prepare`).
    public var lookups: PrefetchedLookups?
    /// Its decision made ahead on an examination worker (`Decider.decideAhead`), for `decide` to confirm or redo.
    public var decidedAhead: (any DecidedAhead)?
    /// What deciding it needs from the invoice alone, worked out on the examination worker (`Decider.prework`).
    public var prework: (any DecisionPrework)?
    public init(invoiceID: String, channel: String, invoice: Invoice, validation: ValidationReport, takenUpAgain: Bool = false) {
        self.invoiceID = invoiceID; self.channel = channel; self.invoice = invoice; self.validation = validation; self.takenUpAgain = takenUpAgain
    }
}

/// The seam where robots plug in: given a valid, non-duplicate invoice, decide.
public protocol Decider: Sendable {
    func decide(_ input: DecisionInput) -> DecisionRecord
    /// Asks ahead, off the committing thread and concurrently with other invoices, what deciding this invoice will
    /// ask of slow case systems; `ready` is called once (on any thread) with the answers for `decide`
    /// (`DecisionInput.lookups`), or nil when there is nothing to ask ahead. Changes nothing: the decision itself
    /// is still made by `decide`, in business order.
    func prepare(_ input: DecisionInput, ready: @escaping @Sendable (PrefetchedLookups?) -> Void)
    /// Decides ahead, on an examination worker, against history, plans and case data as they stand now; nil when this
    /// decider does not (or cannot for this invoice). Changes nothing: `decide`, on the committing thread in business
    /// order, is given it (`DecisionInput.decidedAhead`) and takes it only when everything it read still reads the same,
    /// else decides again; so the decision recorded is the one `decide` would have made.
    func decideAhead(_ input: DecisionInput) -> (any DecidedAhead)?
    /// Works out, on an examination worker, what deciding this invoice needs from the invoice alone (a robot's view
    /// of it, which robots take it), so the committing thread does not; nil when this decider needs nothing. `decide`
    /// is given it (`DecisionInput.prework`) and uses it only when it was made under the robots, configuration and
    /// date of the decision; so the decision is the same with it or without it.
    func prework(_ input: DecisionInput) -> (any DecisionPrework)?
    /// Called after a batch's outcomes committed (send queued case updates, drop in-batch state).
    func batchCommitted()
    /// Called before each pass (reload changed robots, re-queue what a changed table may now decide).
    func refresh()
    /// Called when the configuration was reloaded (SIGHUP): connectors, pre-control, robots.
    func reload(_ config: BilagConfig)
}

extension Decider {
    public func prepare(_ input: DecisionInput, ready: @escaping @Sendable (PrefetchedLookups?) -> Void) { ready(nil) }
    public func decideAhead(_ input: DecisionInput) -> (any DecidedAhead)? { nil }
    public func prework(_ input: DecisionInput) -> (any DecisionPrework)? { nil }
    public func batchCommitted() {}
    public func refresh() {}
    public func reload(_ config: BilagConfig) {}
}

/// A decision made ahead of its turn (`Decider.decideAhead`), with what it read; only its decider looks inside.
public protocol DecidedAhead: Sendable {}

/// What a decider worked out ahead from an invoice alone (`Decider.prework`); only its decider looks inside.
public protocol DecisionPrework: Sendable {}

/// The decider when no robot claims an invoice: every invoice goes to the manual queue with reason `no-robot`.
public struct NoRobotDecider: Decider {
    public init() {}
    public func decide(_ input: DecisionInput) -> DecisionRecord {
        DecisionRecord(
            decision: .manual(reason: ReasonCode.noRobot, message: "no robot handles invoices like this one; book it by hand"),
            actor: "system",
            trace: [TraceStep(step: "route", result: "no robot matched")])
    }
}

/// The reason codes the pipeline itself gives (robots add their own).
public enum ReasonCode {
    public static let noRobot = "no-robot"
    public static let validationFailed = "validation-failed"
    public static let duplicateFile = "duplicate-file"
    public static let duplicateInvoice = "duplicate-invoice"
    /// A posting breaks the configured posting rules (account, VAT code, dimensions).
    public static let postingInvalid = "posting-invalid"
    public static let caseSystemUnavailable = "case-system-unavailable"
}
