import BilagCore
import BilagRobotLanguage
import BilagRobots
import BilagStore
import BilagOutbox
import Foundation
import Logging
import Synchronization

/// The decide stage with robots: picks the robot that takes the invoice (explicit priority; a tie is
/// `ambiguous-robot`), runs it, applies pre-control to what it would book, runs shadow robots beside it,
/// and records every robot decision with the robot's name, file version and legal basis.
// @unchecked: `connectors`, `preControl` and `postingRules` change only in `reload`, on the pipeline's queue between
// passes, where `decide` also runs (the committing thread); the parts it shares are Sendable or lock-guarded.
public final class RobotDecider: Decider, @unchecked Sendable {
    public let catalog: RobotCatalog
    public private(set) var connectors: [String: Connector]
    let store: Store
    let history: StoreHistory
    let plans: StorePlans
    public var preControl: PreControl
    /// What a posting must satisfy; a robot's booking that breaks it goes to manual (`posting-invalid`).
    public var postingRules: PostingRules { didSet { postingRulesSummary = postingRules.summary } }
    /// `postingRules.summary`, the trace's line for every booking that passes them, worked out once a change.
    private(set) var postingRulesSummary: String
    let pause: PauseMonitor
    let logger: Logger
    /// Refused robot files are logged once per change, not on every pass.
    let refusals = RefusalReporter()
    let clock: @Sendable () -> LocalDate
    /// The write-backs of the bookings decided, for the answers asked ahead (`prepare`) that they may have changed.
    let written = WriteBackLog()
    /// Where the connectors' figures are written after each batch, for `bilag status --json` (nil: not written).
    var statsDirectory: String?
    /// What sending case updates needs, swapped whole on reload: it is read on the sending service's thread.
    let sending: Mutex<(connectors: [String: Connector], files: [String: CaseUpdateFiles], policy: RetryPolicy)>
    /// Told when case updates were committed: the daemon's case-update service. Nil: they are sent at once, on the
    /// committing thread (`run --once`, operators' commands), and `released` is called when that releases bookings.
    public var caseUpdates: (any CaseUpdateFlushing)?
    public var released: (@Sendable () -> Void)?
    /// Raised at each reload and refresh (robots, connectors, configuration may have changed): a decision made ahead
    /// under another generation is made again.
    let generation = Atomic<Int>(0)
    /// Whether valid invoices are decided ahead on the examination workers (`decideAhead`); off, each is decided only
    /// at its turn on the committing thread. The decisions are the same either way. Off by default: on the 2-core
    /// machine it was measured on, deciding ahead took the robots off the committing thread but cost about a third
    /// more CPU in all (each read is asked twice, and the workers contend for the same caches), and the month was
    /// no faster; it pays where cores sit idle while the committing thread is busy.
    public var decidesAhead = false
    /// Decisions made ahead (`decideAhead`) that were taken as they were, and those made again at their turn.
    public let decidedAheadConfirmed = Atomic<Int>(0)
    public let decidedAheadRedone = Atomic<Int>(0)
    /// The table data each robot ran with in this process (`fingerprint`), read and written only in `refresh`, on the
    /// committing thread between passes.
    var tablesSeen: [String: String] = [:]
    let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    public init(catalog: RobotCatalog, connectors: [String: Connector], store: Store, preControl: PreControl, postingRules: PostingRules = PostingRules(), logger: Logger, clock: @escaping @Sendable () -> LocalDate = { LocalDate.today() }) {
        self.postingRules = postingRules
        postingRulesSummary = postingRules.summary
        self.catalog = catalog
        self.connectors = connectors
        self.store = store
        self.history = StoreHistory(store: store)
        self.plans = StorePlans(store: store)
        self.preControl = preControl
        self.pause = PauseMonitor(store: store)
        self.logger = logger
        self.clock = clock
        sending = Mutex((connectors, [:], RetryPolicy(baseSeconds: 30, maxSeconds: 1800, deadlineSeconds: 86_400)))
    }

    public func batchCommitted() {
        history.clear()
        plans.forget()
        // Case data changed by another process is seen from the next batch on (a `files` connector looks at its files
        // once a batch, not at every lookup).
        for c in connectors.values { c.mayHaveChanged() }
        caseUpdatesQueued()
        if let statsDirectory { ConnectorStatsFile.write(connectors, stateDirectory: statsDirectory) }
    }

    /// Takes the case-update settings of a configuration: which connectors' updates are written as files, and the
    /// retry policy of their sends.
    public func configureSending(_ config: BilagConfig) {
        let files = Dictionary(uniqueKeysWithValues: config.connectors.values.filter(\.updatesAsFiles).map { ($0.name, CaseUpdateFiles(connector: $0.name, outbox: config.outboxPath)) })
        let connectors = self.connectors
        sending.withLock { $0 = (connectors, files, RetryPolicy(config)) }
    }

    /// A sender with the current connectors and settings (safe from any thread).
    public func caseUpdateSender() -> CaseUpdateSender {
        let s = sending.withLock { $0 }
        return CaseUpdateSender(store: store, connectors: s.connectors, files: s.files, policy: s.policy, logger: logger)
    }

    /// Case updates were committed (or may have fallen due): the service is woken, or they are sent now.
    func caseUpdatesQueued() {
        if let caseUpdates { return caseUpdates.caseUpdatesQueued() }
        do {
            if try !caseUpdateSender().flush(dueOnly: false).released.isEmpty { released?() }
        } catch {
            logger.error("cannot send case updates now; they stay pending", metadata: ["error": "\(error)"])
        }
    }

    /// A reloaded configuration: new connectors and pre-control, and every robot checked again against them.
    public func reload(_ config: BilagConfig) {
        generation.add(1, ordering: .releasing)
        defer { generation.add(1, ordering: .releasing) }
        connectors = ConnectorConfig.build(config.connectors, root: config.root, previous: connectors)
        configureSending(config)
        RobotSetup.warnAboutPlainHTTP(config, logger: logger)
        preControl = config.preControl
        postingRules = config.postingRules
        pause.refresh()
        catalog.reload(force: true, connectors: Set(config.connectors.keys))
        refusals.report(catalog.loadErrors, to: logger)
    }

    public func decide(_ input: DecisionInput) -> DecisionRecord {
        if let ahead = input.decidedAhead as? DecidedAheadByRobots, let record = confirm(ahead, input) { return record }
        let (record, effects) = decide(input, connectors: input.lookups.map { $0.answering(connectors) } ?? connectors, history: history, plans: plans)
        apply(effects)
        return record
    }

    /// The decision with these connectors. `ahead`: a run ahead of the decision (`prepare`), which only finds out what
    /// the robots will look up: it counts nothing towards a pause and adds nothing to the batch's history.
    func decide(_ input: DecisionInput, connectors: [String: Connector], ahead: Bool) -> DecisionRecord {
        let (record, effects) = decide(input, connectors: connectors, history: history, plans: plans)
        if !ahead { apply(effects) }
        return record
    }

    /// What a decision changes beyond its record, applied when it is the decision (not a run ahead): the robot's
    /// pause count, the batch's history, the write-backs decided.
    struct Effects: Sendable {
        var pause: (robot: Robot, reason: String?)?
        var history: (robot: String, key: String, entry: HistoryEntry)?
        var written: [CaseUpdate] = []
        /// The live robot that kept the invoice, and whether it was paused then (a confirmation checks it still is not).
        var kept: (robot: String, paused: String?)?
    }

    func apply(_ effects: Effects) {
        if !effects.written.isEmpty { written.note(effects.written) }
        if let h = effects.history { history.add(robot: h.robot, key: h.key, entry: h.entry) }
        if let p = effects.pause, let why = pause.record(robot: p.robot, reason: p.reason) {
            logger.critical("robot paused: its deviation rate jumped; its invoices go to manual until resumed", metadata: ["robot": "\(p.robot.name)", "why": "\(why)"])
        }
    }

    /// The decision and what it changes, with these connectors, history and plans; changes nothing itself.
    func decide(_ input: DecisionInput, connectors: [String: Connector], history: HistoryProvider, plans: PlanProvider) -> (DecisionRecord, Effects) {
        var effects = Effects()
        let (robots, needs) = catalog.robotsAndNeeds
        guard !robots.isEmpty else {
            return (DecisionRecord(decision: .manual(reason: ReasonCode.noRobot, message: "no robot handles invoices like this one; book it by hand"), actor: "system",
                                   trace: [TraceStep(step: "route", result: "no robot matched", detail: "no robots are loaded")], decisions: []), effects)
        }
        let today = clock()
        // Worked out on the examination worker under these robots and this date, or now.
        let prework = (input.prework as? RobotPrework).flatMap { $0.holds(generation: generation.load(ordering: .acquiring), today: today) ? $0 : nil }
        var ctx = RobotContext(invoiceID: input.invoiceID, channel: input.channel, invoice: input.invoice, today: today, connectors: connectors, history: history, plans: plans,
                               variables: prework?.variables, needs: needs)
        // A re-evaluation (an operator's re-run, a changed table): history as it stood when the invoice was first
        // decided, not with what was booked meanwhile. A file just claimed has no decision yet (no query for it).
        if input.takenUpAgain { ctx.historyAsOf = (try? store.firstLiveDecision(invoice: input.invoiceID)) ?? nil }
        var live: [(robot: Robot, env: Environment, beginning: RobotRunner.Beginning?)] = []
        var stored: [StoredDecision] = []
        var trace: [TraceStep] = []
        for (i, (robot, env)) in (prework?.matched ?? Self.matching(robots, ctx)).enumerated() {
            // Its run's beginning made on the worker (`RobotPrework`), taken by `run` when no stop is accepted.
            let beginning = prework?.beginning(i)
            if robot.mode == .shadow {
                let r = RobotRunner(robot: robot).run(ctx, in: env, matched: true, from: beginning)
                stored.append(record(robot, r, input, mode: "shadow"))
                trace.append(TraceStep(step: "shadow \(robot.versionTag)", result: Self.describe(r.outcome)))
            } else {
                live.append((robot, env, beginning))
            }
        }
        // The live robots by priority: the first that keeps the invoice decides it; one that declines passes it on.
        var candidates = live
        var kept: (robot: Robot, env: Environment, result: RobotResult, paused: String?)?
        var declined: [String] = []
        while let (robot, env, beginning) = candidates.first {
            if candidates.count > 1, candidates[1].robot.priority == robot.priority {
                let tied = candidates.filter { $0.robot.priority == robot.priority }.map(\.robot.name)
                trace.insert(TraceStep(step: "route", result: "ambiguous", detail: "robots \(tied.joined(separator: ", ")) all match with priority \(robot.priority)"), at: 0)
                return (DecisionRecord(decision: .manual(reason: "ambiguous-robot", message: "several robots take this invoice with the same priority (\(tied.joined(separator: ", "))); give one a higher priority"), actor: "system", trace: trace, decisions: stored), effects)
            }
            candidates.removeFirst()
            let result = RobotRunner(robot: robot).run(ctx, in: env, matched: true, from: beginning)
            if case let .declined(why) = result.outcome {
                declined.append(robot.name)
                trace.append(TraceStep(step: "declined by \(robot.versionTag)", result: "not this robot's", detail: why))
                stored.append(record(robot, result, input, mode: "live"))
                continue
            }
            kept = (robot, env, result, pause.isPaused(robot.name))
            break
        }
        guard let (robot, env, firstResult, paused) = kept else {
            trace.insert(TraceStep(step: "route", result: declined.isEmpty ? "no robot matched" : "declined by \(declined.joined(separator: ", "))"), at: 0)
            let why = declined.isEmpty ? "no robot handles invoices like this one; book it by hand" : "no robot keeps invoices like this one (declined by \(declined.joined(separator: ", "))); book it by hand"
            return (DecisionRecord(decision: .manual(reason: ReasonCode.noRobot, message: why), actor: "system", trace: trace, decisions: stored), effects)
        }
        effects.kept = (robot.name, paused)
        let tag = robot.versionTag
        let actor = "robot:" + tag
        trace.insert(TraceStep(step: "route", result: "robot " + tag, detail: robot.legalBasis.map { "legal basis: " + $0 }), at: 0)
        if let why = paused {
            trace.append(TraceStep(step: "robot", result: "paused", detail: why))
            return (DecisionRecord(decision: .manual(reason: "robot-paused", message: "robot \(robot.name) is paused (\(why)); handle by hand or resume it with `bilag robots resume \(robot.name)`"), actor: actor, trace: trace, decisions: stored), effects)
        }
        // Its steps are stored once, in its live decision (`record` below, written with the invoice): the invoice's
        // trace holds their place, and reading it puts them back (`StoredTrace`).
        trace.append(TraceStep.stepsOf(robot.name, count: firstResult.trace.count))
        let result = Self.secondLook(firstResult, robot: robot, env: env, ctx, trace: &trace)
        var decision: Decision
        var updates: [NewCaseUpdate] = []
        var outcomeForRecord = result
        switch result.outcome {
        case .notMatched, .declined:
            decision = .manual(reason: ReasonCode.noRobot, message: "no robot handles invoices like this one")
        case let .deviation(reason, message):
            decision = .manual(reason: reason, message: message)
        case let .systemFailure(connector, message):
            decision = .wait(connector: connector, message: message, notBefore: connectors[connector]?.notBefore)
        case let .book(draft):
            let checked = Self.checkBooking(draft, robot: robot.name, invoice: input.invoice, invoiceID: input.invoiceID, today: today, preControl: preControl, postingRules: postingRules, postingRulesSummary: postingRulesSummary)
            trace += checked.trace
            if let posting = checked.posting {
                decision = .book(Booking(postings: [posting], pay: draft.pay))
                updates = draft.caseUpdates.map(queued)
                effects.written = draft.caseUpdates
                if let key = result.historyKey, let amount = input.invoice.signedAmountDue {
                    effects.history = (robot.name, key, HistoryEntry(invoiceID: input.invoiceID, amount: amount, issueDate: input.invoice.issueDate, invoiceNumber: input.invoice.invoiceNumber,
                                                                                  periodKey: Self.month(of: input.invoice)))
                }
            } else {
                let stop = checked.stop ?? ("amounts-missing", "the invoice has no totals to post")
                decision = .manual(reason: stop.reason, message: stop.message)
                outcomeForRecord.outcome = .deviation(reason: stop.reason, message: stop.message)
            }
        }
        stored.insert(record(robot, outcomeForRecord, input, mode: "live"), at: 0)
        // Only invoices the robot kept count towards its pause: booked (no reason) or its own deviation.
        let counted: String??
        switch decision {
        case .wait: counted = nil
        case .book: counted = .some(nil)
        case let .manual(reason, _): counted = .some(reason)
        }
        if let reason = counted { effects.pause = (robot, reason) }
        return (DecisionRecord(decision: decision, actor: actor, trace: trace, decisions: stored, caseUpdates: updates), effects)
    }

    /// A write-back as the store queues it: its payload as `encoder` writes it (`jsonPayload` where it can).
    func queued(_ u: CaseUpdate) -> NewCaseUpdate {
        NewCaseUpdate(connector: u.connector, action: u.action, payload: u.jsonPayload ?? (try? String(decoding: encoder.encode(u), as: UTF8.self)) ?? "{}", idempotencyKey: u.idempotencyKey)
    }

    /// A re-evaluation (`historyAsOf`) decides with the history as it stood for the invoice, so that what was booked
    /// meanwhile does not make a first invoice a second one. Its booking must also hold with every booking as it stands
    /// now: a month, order or plan period paid meanwhile (a resend booked while this invoice waited for a person) would
    /// otherwise be paid twice. The robot runs again on the whole history; where it would not book, its deviation
    /// stands, said as such.
    static func secondLook(_ first: RobotResult, robot: Robot, env: Environment, _ ctx: RobotContext, trace: inout [TraceStep]) -> RobotResult {
        guard case .book = first.outcome, ctx.historyAsOf != nil else { return first }
        var now = ctx
        now.historyAsOf = nil
        now.historyUncut = true
        let again = RobotRunner(robot: robot).run(now, in: env, matched: true)
        var result = first
        switch again.outcome {
        case .book:
            trace.append(TraceStep(step: "history as it stands now", result: "would book as well", detail: "every booking of the robot, also those made since this invoice was first decided"))
            return first
        case let .deviation(reason, message):
            result.outcome = .deviation(reason: reason, message: "with the bookings made since this invoice was first decided: \(message)")
        case let .systemFailure(connector, message):
            result.outcome = .systemFailure(connector: connector, message: message)
        case .notMatched, .declined:
            result.outcome = .deviation(reason: "history-changed", message: "with the bookings made since this invoice was first decided, robot \(robot.name) no longer books it; check it is not paid already, then book it by hand")
        }
        trace.append(TraceStep(step: "history as it stands now", result: describe(result.outcome), detail: "every booking of the robot, also those made since this invoice was first decided"))
        trace += again.trace.map { TraceStep(step: "\($0.step) (line \($0.line), history as it stands now)", result: $0.result, detail: $0.inputs, micros: $0.micros) }
        return result
    }

    /// What stands between a robot's booking and the ledger: pre-control, then the posting rules (a VAT code unless
    /// declared exempt included). The posting when it passes, else the stop; with trace lines either way. The daemon
    /// and `bilag robots test` both decide with it.
    public static func checkBooking(_ draft: BookingDraft, robot: String, invoice: Invoice, invoiceID: String, today: LocalDate, preControl: PreControl, postingRules: PostingRules,
                                    postingRulesSummary: String? = nil)
        -> (posting: Posting?, stop: (reason: String, message: String)?, trace: [TraceStep]) {
        var trace: [TraceStep] = []
        let pc = preControl.evaluate(invoice, invoiceID: invoiceID, today: today)
        trace.append(TraceStep(step: "pre-control", result: pc.stop == nil ? "passed" : "stopped", detail: pc.trace))
        if let stop = pc.stop { return (nil, stop, trace) }
        guard let net = invoice.signedTotalWithoutVAT ?? invoice.signedAmountDue.map({ $0 - (invoice.signedTotalVAT ?? .zero) }) else {
            return (nil, ("amounts-missing", "the invoice has no totals to post"), trace)
        }
        let posting = Posting(account: draft.account, dimensions: draft.dimensions, netAmount: net, vatAmount: invoice.signedTotalVAT ?? .zero, vatCode: draft.vatCode, text: draft.text)
        var problems = postingRules.problems(posting)
        if draft.vatCode == nil && !draft.vatExempt {
            problems.insert("the posting has no VAT code: give the book step (or the plan) a vat_code, or declare the posting VAT-exempt with vat_code \"exempt\"", at: 0)
        }
        trace.append(TraceStep(step: "posting rules", result: problems.isEmpty ? "passed" : "refused", detail: problems.isEmpty ? postingRulesSummary ?? postingRules.summary : problems.joined(separator: "; ")))
        guard problems.isEmpty else {
            let message = "robot \(robot) would post to account '\(draft.account)' but the posting rules refuse it: \(problems.joined(separator: "; ")); fix the robot's book step, its table or plan, or post it by hand"
            return (nil, (ReasonCode.postingInvalid, message), trace)
        }
        return (posting, nil, trace)
    }

    func record(_ robot: Robot, _ r: RobotResult, _ input: DecisionInput, mode: String) -> StoredDecision {
        let (outcome, reason, message): (String, String?, String?) = {
            switch r.outcome {
            case .book: return ("book", nil, nil)
            case let .deviation(reason, message): return ("manual", reason, message)
            case let .systemFailure(c, m): return ("waiting", "case-system-unavailable", "\(c): \(m)")
            case .notMatched: return ("no-match", nil, nil)
            case let .declined(why): return ("declined", nil, why)
            }
        }()
        let trace = Self.traceBytes(r.trace, written: r.written) ?? JSONBytes(bytes: (try? Array(encoder.encode(r.trace))) ?? Array("[]".utf8))
        return StoredDecision(invoiceID: input.invoiceID, robot: robot.name, robotHash: robot.hash, legalBasis: robot.legalBasis, mode: mode, outcome: outcome, reasonCode: reason, message: message,
                              historyKey: r.historyKey, amount: input.invoice.signedAmountDue?.description, issueDate: input.invoice.issueDate?.description,
                              invoiceNumber: input.invoice.invoiceNumber, periodKey: Self.month(of: input.invoice), trace: trace)
    }

    /// The month an invoice is for, `YYYY-MM`: its invoicing period's start, else its issue date (history's
    /// `period_keys`, so a robot can tell a second invoice for a month already paid).
    static func month(of invoice: Invoice) -> String? {
        guard let d = invoice.invoicingPeriod?.startDate ?? invoice.issueDate else { return nil }
        return String(d.description.prefix(7))
    }

    static func describe(_ o: RobotResult.Outcome) -> String {
        switch o {
        case .notMatched: return "no match"
        case .declined: return "declined"
        case .book: return "would book"
        case let .deviation(reason, _): return "would route to manual: \(reason)"
        case let .systemFailure(c, _): return "case system \(c) unavailable"
        }
    }
}

extension RobotDecider {
    /// Reloads robots whose files changed (a broken file keeps its last good version), sends pending case updates,
    /// and re-queues manual invoices a changed table may now decide.
    public func refresh() {
        generation.add(1, ordering: .releasing)
        defer { generation.add(1, ordering: .releasing) }
        pause.refresh()   // an operator may have resumed a robot
        plans.forget()    // or added or ended a plan
        for c in connectors.values { c.mayHaveChanged() }   // or changed case data
        let changed = catalog.reload()
        refusals.report(catalog.loadErrors, to: logger)
        for gone in catalog.removedAtLastReload {
            logger.notice("robot removed", metadata: ["robot": "\(gone.name)", "version": "\(gone.hash.prefix(12))"])
        }
        for (new, _) in changed {
            logger.notice("robot loaded", metadata: ["robot": "\(new.name)", "version": "\(new.hash.prefix(12))", "mode": "\(new.mode.rawValue)"])
        }
        // Each robot's tables against those it last ran with — in this process, else as the store recorded them (a
        // table edited while the daemon was stopped is a change all the same): a change re-evaluates the manual
        // invoices it may now decide.
        for robot in catalog.robots {
            let fingerprint = Self.fingerprint(robot.dataFiles)
            if tablesSeen[robot.name] == fingerprint { continue }
            let before = tablesSeen[robot.name] ?? (try? store.robotTables(robot.name)) ?? nil
            tablesSeen[robot.name] = fingerprint
            if before != fingerprint { try? store.setRobotTables(robot.name, fingerprint: fingerprint) }
            guard let before, before != fingerprint else { continue }
            let reasons = Array(robot.tableDependentReasons)
            guard let waiting = try? store.manual(reasons: reasons), !waiting.isEmpty else { continue }
            let ids = waiting.filter { r in (try? store.decisions(invoice: r.id).last?.robot) == robot.name }.map(\.id)
            let outcomes = ids.map { id -> Outcome in
                var o = Outcome(invoiceID: id, state: .received, actor: "system", action: "re-evaluate")
                o.detail = "{\"why\":\"table data of robot \(robot.name) changed\"}"
                return o
            }
            if (try? store.apply(outcomes)) != nil, !ids.isEmpty {
                logger.notice("re-evaluating manual invoices after a table change", metadata: ["robot": "\(robot.name)", "count": "\(ids.count)"])
            }
        }
        caseUpdatesQueued()
        if let statsDirectory { ConnectorStatsFile.write(connectors, stateDirectory: statsDirectory) }
    }

    /// A robot's table data in one string: each data file with its content hash, by name.
    static func fingerprint(_ dataFiles: [String: String]) -> String {
        dataFiles.keys.sorted().map { "\($0)=\(dataFiles[$0]!)" }.joined(separator: "\n")
    }
}
