import BilagRobotLanguage

/// One step of a robot. (The steps' settings are shared objects, never changed once loaded: a step taken from its
/// robot is one retain, not one per expression and text it holds.) Each step either passes (possibly binding a name for later steps), or stops the robot
/// with a deviation (manual queue), or, for `book`, ends it with a booking.
public enum Step: Sendable {
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
public final class Require: Sendable {
    public let value: Expression
    public let valid: IdentifierKind?
    public let deviation: Deviation
    public let location: SourceLocation

    public init(value: Expression, valid: IdentifierKind?, deviation: Deviation, location: SourceLocation) {
        self.value = value; self.valid = valid; self.deviation = deviation; self.location = location
    }

    /// `gsrn`: an 18-digit GS1 service relation number (a metering point); `gs1`: any GS1 key of 8 to 18 digits.
    public enum IdentifierKind: String, Sendable, CaseIterable { case cvr, cpr, gln, orgnr, gsrn, gs1 }
}

/// `let` / `extract`: names bound to expressions, usable in later steps.
public final class Let: Sendable {
    public let bindings: [(name: String, value: Expression)]
    public let location: SourceLocation

    public init(bindings: [(name: String, value: Expression)], location: SourceLocation) {
        self.bindings = bindings; self.location = location
    }
}

/// `lookup`: a query to a named case-system connector; the result bound to a name.
public final class Lookup: Sendable {
    public let name: String
    public let connector: String
    public let query: String
    public let params: [(name: String, value: Expression)]
    /// The fields the robot expects on each result record, with their types.
    public let fields: [String: FieldType]
    public let expect: Cardinality
    /// When nothing is found (`expect: one`), or more than one.
    public let none: Deviation?
    public let many: Deviation?
    /// `none: decline`: when nothing is found the invoice is not this robot's; it passes to the next robot.
    public let declineWhenNone: Bool
    public let location: SourceLocation

    public init(name: String, connector: String, query: String, params: [(name: String, value: Expression)], fields: [String: FieldType], expect: Cardinality, none: Deviation?, many: Deviation?, declineWhenNone: Bool = false, location: SourceLocation) {
        self.name = name; self.connector = connector; self.query = query; self.params = params; self.fields = fields; self.expect = expect; self.none = none; self.many = many; self.declineWhenNone = declineWhenNone; self.location = location
    }

    public enum Cardinality: String, Sendable { case one, optional, many }
}

/// `table`: a row from a table beside the robot, matched on columns and, for effective-dated tables, on a date.
public final class TableStep: Sendable {
    public let name: String
    public let table: String
    public let where_: [(column: String, value: Expression)]
    public let on: Expression?
    public let none: Deviation
    /// `none: decline`: no row means the invoice is not this robot's; it passes to the next robot.
    public let declineWhenNone: Bool
    public let location: SourceLocation

    public init(name: String, table: String, where_: [(column: String, value: Expression)], on: Expression?, none: Deviation, declineWhenNone: Bool = false, location: SourceLocation) {
        self.name = name; self.table = table; self.where_ = where_; self.on = on; self.none = none; self.declineWhenNone = declineWhenNone; self.location = location
    }
}

/// `check`: a condition that must hold, else a deviation.
public final class Check: Sendable {
    public let condition: Expression
    public let deviation: Deviation
    public let location: SourceLocation

    public init(condition: Expression, deviation: Deviation, location: SourceLocation) {
        self.condition = condition; self.deviation = deviation; self.location = location
    }
}

/// `history`: earlier invoices booked by this robot with the same key (e.g. last month's rent for a tenancy).
public final class History: Sendable {
    public let name: String
    public let key: Expression
    public let limit: Int
    /// `issued: any`: bookings of invoices issued after this one count too (a guard against paying the same thing
    /// twice, which a resend dated earlier must not slip past); by default only those issued on or before it.
    public let anyIssueDate: Bool
    public let location: SourceLocation

    public init(name: String, key: Expression, limit: Int, anyIssueDate: Bool = false, location: SourceLocation) {
        self.name = name; self.key = key; self.limit = limit; self.anyIssueDate = anyIssueDate; self.location = location
    }
}

/// `plan`: the payment plan (betalingsplan/fakturaplan/prekontering) that covers the invoice.
public final class PlanStep: Sendable {
    public let name: String
    public let none: Deviation
    /// `none: decline`: when no plan at all names the invoice's supplier and receiver, the invoice is not this
    /// robot's and passes to the next robot. When plans name them but none fits (order number, prefix,
    /// identifier), it is still the deviation `none`.
    public let declineUnknownPair: Bool
    public let location: SourceLocation

    public init(name: String, none: Deviation, declineUnknownPair: Bool = false, location: SourceLocation) {
        self.name = name; self.none = none; self.declineUnknownPair = declineUnknownPair; self.location = location
    }
}

/// `manual`: route to the manual queue when a condition holds (or always).
public final class Manual: Sendable {
    public let when: Expression?
    public let deviation: Deviation
    public let location: SourceLocation

    public init(when: Expression?, deviation: Deviation, location: SourceLocation) {
        self.when = when; self.deviation = deviation; self.location = location
    }
}

/// `decline`: the invoice is not this robot's after all (when the condition holds, or always). It passes to the
/// next robot by priority, or to `no-robot`; it is no deviation of this robot and does not count towards a pause.
public final class Decline: Sendable {
    public let when: Expression?
    /// Why, for the trace.
    public let why: Template?
    public let location: SourceLocation

    public init(when: Expression?, why: Template?, location: SourceLocation) {
        self.when = when; self.why = why; self.location = location
    }
}

/// `book`: the posting template, payment, the history key and case-system write-backs.
public final class Book: Sendable {
    public let account: Expression
    public let dimensions: [(name: String, value: Expression)]
    public let vatCode: Expression?
    public let text: Template?
    public let pay: Bool
    public let historyKey: Expression?
    public let writeBacks: [WriteBack]
    public let location: SourceLocation

    public init(account: Expression, dimensions: [(name: String, value: Expression)], vatCode: Expression?, text: Template?, pay: Bool, historyKey: Expression?, writeBacks: [WriteBack], location: SourceLocation) {
        self.account = account; self.dimensions = dimensions; self.vatCode = vatCode; self.text = text; self.pay = pay; self.historyKey = historyKey; self.writeBacks = writeBacks; self.location = location
    }
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
