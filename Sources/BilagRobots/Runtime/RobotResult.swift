import BilagCore
import BilagRobotLanguage

/// What running one robot on one invoice gave.
public struct RobotResult: Sendable {
    public var outcome: Outcome
    public var trace: [RobotTraceStep]
    /// The history key the decision is filed under (the last `history` step's key, or `book`'s `key`):
    /// later `history` steps find this invoice by it once it is booked, by the robot or by an operator.
    public var historyKey: String?
    /// The trace's first steps written as JSON ahead of the run's turn (`RobotRunner.Beginning`).
    public var written: WrittenSteps?

    public init(outcome: Outcome, trace: [RobotTraceStep], historyKey: String?, written: WrittenSteps? = nil) {
        self.outcome = outcome; self.trace = trace; self.historyKey = historyKey; self.written = written
    }

    public enum Outcome: Sendable {
        /// The robot's `match` did not hold.
        case notMatched
        /// A `decline` (or `none: decline`) said the invoice is not this robot's: the next robot may take it.
        case declined(String)
        /// Book with this posting and send these case updates after the booking commits.
        case book(BookingDraft)
        /// A business deviation: the manual queue with this reason.
        case deviation(reason: String, message: String)
        /// A case system could not answer: the invoice waits and is tried again.
        case systemFailure(connector: String, message: String)
    }
}

/// The posting a robot's `book` step produced.
public struct BookingDraft: Sendable {
    public var account: String
    public var dimensions: [String: String]
    public var vatCode: String?
    /// The book step (or the plan) declared the posting VAT-exempt (`vat_code: "exempt"`): no VAT code is right.
    public var vatExempt = false
    public var text: String?
    public var pay: Bool
    public var caseUpdates: [CaseUpdate]
}

/// One step of a robot run, as the trace shows it.
public struct RobotTraceStep: Codable, Sendable {
    public var step: String
    public var line: Int
    public var inputs: String?
    public var result: String
    public var micros: Int
}
