import BilagRobotLanguage

/// One step of a robot. Each step either passes (possibly binding a name for later steps), or stops the robot
/// with a deviation (manual queue), or, for `book`, ends it with a booking.
public indirect enum Step: Sendable {
    case require(Require)
    case let_(Let)
    case lookup(Lookup)
    case table(TableStep)
    case check(Check)
    case history(History)
    case plan(PlanStep)
    case manual(Manual)
    case decline(Decline)
    case book(Book)

    /// Where the step starts in the file, for traces and errors.
    public var location: SourceLocation {
        switch self {
        case let .require(s): return s.location
        case let .let_(s): return s.location
        case let .lookup(s): return s.location
        case let .table(s): return s.location
        case let .check(s): return s.location
        case let .history(s): return s.location
        case let .plan(s): return s.location
        case let .manual(s): return s.location
        case let .decline(s): return s.location
        case let .book(s): return s.location
        }
    }

    /// A short label for the trace.
    public var kind: String {
        switch self {
        case .require: return "require"
        case .let_: return "let"
        case .lookup: return "lookup"
        case .table: return "table"
        case .check: return "check"
        case .history: return "history"
        case .plan: return "plan"
        case .manual: return "manual"
        case .decline: return "decline"
        case .book: return "book"
        }
    }
}

/// `require`: a value must be present and, optionally, a valid identifier of a kind.
public struct Require: Sendable {
    public var value: Expression
    public var valid: IdentifierKind?
    public var deviation: Deviation
    public var location: SourceLocation

    /// `gsrn`: an 18-digit GS1 service relation number (a metering point); `gs1`: any GS1 key of 8 to 18 digits.
    public enum IdentifierKind: String, Sendable, CaseIterable { case cvr, cpr, gln, orgnr, gsrn, gs1 }
}

/// `let` / `extract`: names bound to expressions, usable in later steps.
public struct Let: Sendable {
    public var bindings: [(name: String, value: Expression)]
    public var location: SourceLocation
}

/// `lookup`: a query to a named case-system connector; the result bound to a name.
public struct Lookup: Sendable {
    public var name: String
    public var connector: String
    public var query: String
    public var params: [(name: String, value: Expression)]
    /// The fields the robot expects on each result record, with their types.
    public var fields: [String: FieldType]
    public var expect: Cardinality
    /// When nothing is found (`expect: one`), or more than one.
    public var none: Deviation?
    public var many: Deviation?
    /// `none: decline`: when nothing is found the invoice is not this robot's; it passes to the next robot.
    public var declineWhenNone = false
    public var location: SourceLocation

    public enum Cardinality: String, Sendable { case one, optional, many }
}

/// `table`: a row from a table beside the robot, matched on columns and, for effective-dated tables, on a date.
public struct TableStep: Sendable {
    public var name: String
    public var table: String
    public var where_: [(column: String, value: Expression)]
    public var on: Expression?
    public var none: Deviation
    /// `none: decline`: no row means the invoice is not this robot's; it passes to the next robot.
    public var declineWhenNone = false
    public var location: SourceLocation
}

/// `check`: a condition that must hold, else a deviation.
public struct Check: Sendable {
    public var condition: Expression
    public var deviation: Deviation
    public var location: SourceLocation
}

/// `history`: earlier invoices booked by this robot with the same key (e.g. last month's rent for a tenancy).
public struct History: Sendable {
    public var name: String
    public var key: Expression
    public var limit: Int
    /// `issued: any`: bookings of invoices issued after this one count too (a guard against paying the same thing
    /// twice, which a resend dated earlier must not slip past); by default only those issued on or before it.
    public var anyIssueDate = false
    public var location: SourceLocation
}

/// `plan`: the payment plan (betalingsplan/fakturaplan/prekontering) that covers the invoice.
public struct PlanStep: Sendable {
    public var name: String
    public var none: Deviation
    /// `none: decline`: when no plan at all names the invoice's supplier and receiver, the invoice is not this
    /// robot's and passes to the next robot. When plans name them but none fits (order number, prefix,
    /// identifier), it is still the deviation `none`.
    public var declineUnknownPair = false
    public var location: SourceLocation
}

/// `manual`: route to the manual queue when a condition holds (or always).
public struct Manual: Sendable {
    public var when: Expression?
    public var deviation: Deviation
    public var location: SourceLocation
}

/// `decline`: the invoice is not this robot's after all (when the condition holds, or always). It passes to the
/// next robot by priority, or to `no-robot`; it is no deviation of this robot and does not count towards a pause.
public struct Decline: Sendable {
    public var when: Expression?
    /// Why, for the trace.
    public var why: Template?
    public var location: SourceLocation
}

/// `book`: the posting template, payment, the history key and case-system write-backs.
public struct Book: Sendable {
    public var account: Expression
    public var dimensions: [(name: String, value: Expression)]
    public var vatCode: Expression?
    public var text: Template?
    public var pay: Bool
    public var historyKey: Expression?
    public var writeBacks: [WriteBack]
    public var location: SourceLocation
}

/// A case-system update sent after booking, with an idempotency key derived from the invoice and the action.
public struct WriteBack: Sendable {
    public var connector: String
    public var action: String
    public var params: [(name: String, value: Expression)]
    /// The action that reverses this one (same connector and params), sent when the write-back took effect but its
    /// invoice is not booked after all (refused elsewhere, rejected): "reduced and paid, or neither".
    public var compensate: String? = nil
    public var location: SourceLocation
}

/// The declared type of a lookup field or table column.
public enum FieldType: String, Sendable, CaseIterable {
    case string, number, date, bool

    public var valueType: ValueType {
        switch self {
        case .string: return .string
        case .number: return .number
        case .date: return .date
        case .bool: return .bool
        }
    }
}
