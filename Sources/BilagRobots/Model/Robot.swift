import BilagRobotLanguage

/// A robot as loaded from its file: which invoices it takes and the steps that decide them. Never changed once
/// loaded (a changed file is a new robot), so it is shared, not copied, by every invoice it looks at.
public final class Robot: Sendable {
    /// The robot's name, unique among the robots (`medical-certificates`).
    public let name: String
    /// What it does, for people.
    public let description: String
    /// The legal basis it acts under (e.g. `Aktivloven §90`), recorded with every decision.
    public let legalBasis: String?
    /// Higher wins when several robots match one invoice; a tie goes to manual (`ambiguous-robot`).
    public let priority: Int
    /// live: acts; shadow: decides and records, acts on nothing; off: ignored.
    public let mode: Mode
    /// The file it was loaded from, and its version: the SHA-256 of the file's bytes and of each data file's bytes
    /// under its path relative to the robot file. Content-addressed: the same files give the same version wherever
    /// they were loaded from (by name, `Robots/…`, `./Robots/…` or an absolute path).
    public let file: String
    public let hash: String
    /// Tables loaded from data files beside the robot.
    public let tables: [String: Table]
    /// The match condition: a boolean expression over the invoice.
    public let match: Expression
    /// Where `match:` is written.
    public let matchLocation: SourceLocation
    /// The steps, in order.
    public let steps: [Step]
    /// The data files the robot read (tables), by path relative to the robot file, with their hashes, so a changed
    /// table is a new version too.
    public let dataFiles: [String: String]
    /// When the robot pauses itself (`pause:` in the file; documented defaults otherwise).
    public let pause: PauseSettings

    public init(name: String, description: String, legalBasis: String?, priority: Int, mode: Mode, file: String, hash: String, tables: [String: Table],
                match: Expression, matchLocation: SourceLocation, steps: [Step], dataFiles: [String: String], pause: PauseSettings = PauseSettings()) {
        self.name = name; self.description = description; self.legalBasis = legalBasis; self.priority = priority; self.mode = mode
        self.file = file; self.hash = hash; self.tables = tables; self.match = match; self.matchLocation = matchLocation; self.steps = steps
        self.dataFiles = dataFiles; self.pause = pause
    }

    public enum Mode: String, Sendable, Codable { case live, shadow, off }

    /// `NAME@first 12 hex digits of the hash`: the actor recorded on decisions.
    public var versionTag: String { "\(name)@\(hash.prefix(12))" }

    /// The write-backs its `book` steps make (what a booking by this robot sends to case systems).
    public var writeBacks: [WriteBack] {
        steps.flatMap { step -> [WriteBack] in
            if case let .book(b) = step { return b.writeBacks }
            return []
        }
    }
}

/// When a live robot pauses itself: its deviation rate over the last `window` invoices it kept jumped against the
/// `baseline` invoices before. Invoices a robot declines are not counted. `pause:` in the robot file sets these.
public struct PauseSettings: Sendable, Equatable {
    /// false: the robot never pauses itself.
    public var enabled = true
    /// The recent invoices compared (default 20).
    public var window = 20
    /// The earlier invoices they are compared with (default 200).
    public var baseline = 200
    /// Kept invoices needed before a pause is considered at all (default 70).
    public var minimum = 70
    /// The recent deviation rate must be at least this many percent (default 50) …
    public var rate = 50
    /// … at least this many times the earlier rate (default 3) …
    public var factor = 3
    /// … and at least this many percentage points above it (default 30).
    public var points = 30

    public init() {}
}

/// A deviation: the reason code and the message template an operator reads.
public struct Deviation: Sendable {
    public var reason: String
    public var message: Template?
    public var location: SourceLocation
}

extension Robot {
    /// The reasons that depend on table data: those of `table` steps, and of `check`/`manual` steps that use a
    /// table or a row a `table` step bound, and `no-robot` for a `table` step with `none: decline`. When a table
    /// changes, manual invoices this robot decided last with one of these reasons are re-evaluated.
    public var tableDependentReasons: Set<String> {
        var names = Set(tables.keys)
        var reasons = Set<String>()
        for step in steps {
            switch step {
            case let .table(t):
                names.insert(t.name)
                // A declined invoice no other robot kept waits as `no-robot`; a new row may make it this robot's.
                reasons.insert(t.declineWhenNone ? "no-robot" : t.none.reason)   // "no-robot": the engine's ReasonCode.noRobot
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
