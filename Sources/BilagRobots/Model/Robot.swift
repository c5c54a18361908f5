import BilagRobotLanguage

/// A robot as loaded from its file: which invoices it takes and the steps that decide them.
public struct Robot: Sendable {
    /// The robot's name, unique among the robots (`medical-certificates`).
    public var name: String
    /// What it does, for people.
    public var description: String
    /// The legal basis it acts under (e.g. `Aktivloven §90`), recorded with every decision.
    public var legalBasis: String?
    /// Higher wins when several robots match one invoice; a tie goes to manual (`ambiguous-robot`).
    public var priority: Int
    /// live: acts; shadow: decides and records, acts on nothing; off: ignored.
    public var mode: Mode
    /// The file it was loaded from and the SHA-256 of the file's bytes (the version).
    public var file: String
    public var hash: String
    /// Tables loaded from data files beside the robot.
    public var tables: [String: Table]
    /// The match condition: a boolean expression over the invoice.
    public var match: Expression
    /// Where `match:` is written.
    public var matchLocation: SourceLocation
    /// The steps, in order.
    public var steps: [Step]
    /// The data files the robot read (tables), with their hashes, so a changed table is a new version too.
    public var dataFiles: [String: String]

    public enum Mode: String, Sendable, Codable { case live, shadow, off }

    /// `NAME@first 12 hex digits of the hash`: the actor recorded on decisions.
    public var versionTag: String { "\(name)@\(hash.prefix(12))" }
}

/// A deviation: the reason code and the message template an operator reads.
public struct Deviation: Sendable {
    public var reason: String
    public var message: Template?
    public var location: SourceLocation
}

extension Robot {
    /// The reasons that depend on table data: those of `table` steps, and of `check`/`manual` steps that use a
    /// table or a row a `table` step bound. When a table changes, invoices waiting for these are re-evaluated.
    public var tableDependentReasons: Set<String> {
        var names = Set(tables.keys)
        var reasons = Set<String>()
        for step in steps {
            switch step {
            case let .table(t):
                names.insert(t.name)
                reasons.insert(t.none.reason)
            case let .check(c) where !c.condition.referencedNames.isDisjoint(with: names):
                reasons.insert(c.deviation.reason)
            case let .manual(m) where m.when.map({ !$0.referencedNames.isDisjoint(with: names) }) ?? false:
                reasons.insert(m.deviation.reason)
            default:
                break
            }
        }
        return reasons
    }
}
