import BilagCore
import BilagRobotLanguage
import Foundation

/// Runs a robot's steps on one invoice. Pure but for the lookups its steps name; every step is traced.
public struct RobotRunner {
    public let robot: Robot
    public init(robot: Robot) { self.robot = robot }

    /// Whether the robot takes this invoice.
    public func matches(_ env: Environment) -> Bool {
        (try? robot.match.evaluate(in: env)) == .bool(true)
    }

    /// The environment an invoice offers, with the robot's tables.
    public func environment(_ ctx: RobotContext) -> Environment {
        // Each table as of the invoice's date, which the invoice's own values give (`validityDate`).
        let invoice = Environment(ctx.variables)
        var env = invoice
        for (n, t) in robot.tables { env.set(n, t.effective == nil ? t.columnValues : t.columnValues(on: t.validityDate(in: invoice))) }
        return env
    }

    /// Runs the robot; `env` is `environment(ctx)` when the caller has built it already, and `matched` says that the
    /// caller found `matches(env)` true (it is not asked again). `from` is the run's beginning made ahead
    /// (`runBeginning`) on the same environment; it is taken only when no stop is accepted (`ctx.accepted`), which
    /// the beginning made ahead did not know of.
    public func run(_ ctx: RobotContext, in env: Environment? = nil, matched: Bool = false, from beginning: Beginning? = nil) -> RobotResult {
        if let beginning, ctx.accepted.isEmpty {
            if let ended = beginning.ended { return ended }
            var result = steps(ctx, from: beginning.next, env: beginning.env, trace: beginning.trace)
            result.written = beginning.written
            return result
        }
        let env = env ?? environment(ctx)
        let start = DispatchTime.now().uptimeNanoseconds
        guard matched || matches(env) else {
            return RobotResult(outcome: .notMatched, trace: [RobotTraceStep(step: "match", line: robot.matchLocation.line, inputs: nil, result: "no match", micros: Self.micros(start))], historyKey: nil)
        }
        let trace = [RobotTraceStep(step: "match", line: robot.matchLocation.line, inputs: nil, result: "matched", micros: Self.micros(start))]
        return steps(ctx, from: 0, env: env, trace: trace)
    }

    static func micros(_ since: UInt64) -> Int { Int((DispatchTime.now().uptimeNanoseconds - since) / 1000) }

    /// Runs the steps from `first` on, after those traced in `trace`.
    func steps(_ ctx: RobotContext, from first: Int, env: Environment, trace: [RobotTraceStep]) -> RobotResult {
        var env = env, trace = trace
        var historyKey: String?
        var i = first
        while i < robot.steps.count {
            if let ended = step(i, ctx, env: &env, trace: &trace, historyKey: &historyKey) { return ended }
            i += 1
        }
        return RobotResult(outcome: .deviation(reason: "robot-error", message: "the robot ended without booking"), trace: trace, historyKey: nil)
    }

    /// Runs step `i`, tracing it; the run's result when the step ends it, nil when the run goes on.
    func step(_ i: Int, _ ctx: RobotContext, env: inout Environment, trace: inout [RobotTraceStep], historyKey: inout String?) -> RobotResult? {
        let step = robot.steps[i]
        let t0 = DispatchTime.now().uptimeNanoseconds
        do {
            let r = try perform(step, ctx: ctx, env: &env)
            if let k = r.historyKey { historyKey = k }
            trace.append(RobotTraceStep(step: step.kind, line: step.location.line, inputs: r.inputs, result: r.summary, micros: Self.micros(t0)))
            switch r.effect {
            case .next: return nil
            case let .stop(reason, _) where ctx.accepted.contains(reason):
                trace.append(RobotTraceStep(step: "approved", line: step.location.line, inputs: nil, result: "\(reason) approved by an operator: the run goes on", micros: 0))
                return nil
            case let .stop(reason, message):
                return RobotResult(outcome: .deviation(reason: reason, message: message), trace: trace, historyKey: historyKey)
            case let .decline(why):
                return RobotResult(outcome: .declined(why), trace: trace, historyKey: nil)
            case let .book(draft, key):
                return RobotResult(outcome: .book(draft), trace: trace, historyKey: key ?? historyKey)
            }
        } catch let e as ConnectorError {
            trace.append(RobotTraceStep(step: step.kind, line: step.location.line, inputs: nil, result: "\(e)", micros: Self.micros(t0)))
            switch e {
            case let .unavailable(c, m): return RobotResult(outcome: .systemFailure(connector: c, message: m), trace: trace, historyKey: nil)
            case let .badAnswer(c, f, m): return RobotResult(outcome: .deviation(reason: "case-system-answer", message: "case system \(c) answered without a usable \(f): \(m)"), trace: trace, historyKey: nil)
            case let .unknown(c, m): return RobotResult(outcome: .deviation(reason: "robot-error", message: "connector \(c): \(m)"), trace: trace, historyKey: nil)
            case .invalidData: return RobotResult(outcome: .deviation(reason: "case-data-invalid", message: "\(e)"), trace: trace, historyKey: nil)
            case .refused: return RobotResult(outcome: .deviation(reason: "case-update-refused", message: "\(e)"), trace: trace, historyKey: nil)
            }
        } catch {
            trace.append(RobotTraceStep(step: step.kind, line: step.location.line, inputs: nil, result: "error: \(error)", micros: Self.micros(t0)))
            return RobotResult(outcome: .deviation(reason: "robot-error", message: "\(robot.file):\(step.location.line): \(error)"), trace: trace, historyKey: nil)
        }
    }

    struct StepResult {
        var effect: Effect
        var summary: String
        var inputs: String?
        var historyKey: String?
        enum Effect { case next, stop(String, String), decline(String), book(BookingDraft, String?) }
    }

    func stop(_ d: Deviation, _ env: Environment, _ fallback: String) -> StepResult.Effect {
        .stop(d.reason, d.message?.render(in: env) ?? fallback)
    }

    func perform(_ step: Step, ctx: RobotContext, env: inout Environment) throws -> StepResult {
        switch step {
        case let .require(s):
            let v = try s.value.evaluate(in: env)
            let text: String? = {
                switch v {
                case .null: return nil
                case let .string(x): return x.trimmingWhitespace(includingNewlines: false).isEmpty ? nil : x
                default: return v.description
                }
            }()
            guard let text else { return StepResult(effect: stop(s.deviation, env, "\(s.value.source) is missing"), summary: "missing", inputs: s.value.source) }
            if let kind = s.valid {
                let ok: Bool
                switch kind {
                case .cvr: ok = Identifiers.isValidCVR(text)
                case .cpr: ok = Identifiers.isValidCPR(text)
                case .gln: ok = Identifiers.isValidGLN(text)
                case .orgnr: ok = Identifiers.isValidNorwegianOrgNumber(text)
                case .gsrn: ok = Identifiers.isValidGS1(text, length: 18)
                case .gs1: ok = Identifiers.isValidGS1(text)
                }
                if !ok { return StepResult(effect: stop(s.deviation, env, "\(s.value.source) is not a valid \(kind.rawValue.uppercased())"), summary: "invalid \(kind.rawValue)", inputs: s.value.source) }
            }
            return StepResult(effect: .next, summary: "present" + (s.valid.map { ", valid \($0.rawValue)" } ?? ""), inputs: s.value.source)

        case let .let_(s):
            var shown: [String] = []
            for b in s.bindings {
                let v = try b.value.evaluate(in: env)
                env.set(b.name, v)
                shown.append("\(b.name) = \(v)")
            }
            return StepResult(effect: .next, summary: shown.joined(separator: "; "), inputs: nil)

        case let .lookup(s):
            guard let connector = ctx.connectors[s.connector] else { throw ConnectorError.unknown(connector: s.connector, message: "not configured") }
            var params: [String: Value] = [:]
            for p in s.params { params[p.name] = try p.value.evaluate(in: env) }
            let inputs = Self.call(s.connector + "." + s.query, params, on: nil)
            let answer = ctx.isReplay ? try connector.lookup(query: s.query, params: params, ignoringUpdatesOf: ctx.invoiceID) : try connector.lookup(query: s.query, params: params)
            let records = try answer.map { try shape($0, s) }
            switch s.expect {
            case .many:
                env.set(s.name, .list(records.map { .record($0) }))
                return StepResult(effect: .next, summary: "\(records.count) found", inputs: inputs)
            case .one, .optional:
                if records.isEmpty {
                    if s.declineWhenNone { return StepResult(effect: .decline("\(s.connector) has no \(s.query) for \(inputs)"), summary: "none found: declined", inputs: inputs) }
                    if s.expect == .optional { env.set(s.name, .null); return StepResult(effect: .next, summary: "none found", inputs: inputs) }
                    return StepResult(effect: stop(s.none!, env, "\(s.connector) has no \(s.query) for \(inputs)"), summary: "none found", inputs: inputs)
                }
                if records.count > 1, let many = s.many {
                    return StepResult(effect: stop(many, env, "\(s.connector) has \(records.count) \(s.query) for \(inputs)"), summary: "\(records.count) found", inputs: inputs)
                }
                env.set(s.name, .record(records[0]))
                return StepResult(effect: .next, summary: Value.record(records[0]).description(after: "found "), inputs: inputs)
            }

        case let .table(s):
            let table = robot.tables[s.table]!
            var criteria: [String: Value] = [:]
            for w in s.where_ { criteria[w.column] = try w.value.evaluate(in: env) }
            var date: LocalDate?
            if let on = s.on {
                if case let .date(d) = try on.evaluate(in: env) { date = d }
            } else {
                date = table.validityDate(in: env)   // the table's own `effective: { on: … }`
            }
            let rows = table.rows(matching: criteria, on: date)
            let inputs = Self.call(s.table, criteria, on: date)
            guard let row = rows.first else {
                if s.declineWhenNone { return StepResult(effect: .decline("no row of \(s.table) for \(inputs)"), summary: "no row: declined", inputs: inputs) }
                return StepResult(effect: stop(s.none, env, "no row of \(s.table) for \(inputs)"), summary: "no row", inputs: inputs)
            }
            env.set(s.name, .record(row))
            return StepResult(effect: .next, summary: Value.record(row).description(after: "row "), inputs: inputs)

        case let .check(s):
            let v = try s.condition.evaluate(in: env)
            if v == .bool(true) { return StepResult(effect: .next, summary: "holds", inputs: s.condition.source) }
            return StepResult(effect: stop(s.deviation, env, "\(s.condition.source) does not hold"), summary: "fails", inputs: s.condition.source)

        case let .history(s):
            let key = try s.key.evaluate(in: env)
            var entries: [HistoryEntry] = []
            var cut = ctx.historyCut
            if s.anyIssueDate { cut.issuedOnOrBefore = nil }
            if key != .null { entries = try ctx.history.booked(robot: robot.name, key: Self.keyText(key), limit: s.limit + 1, cut: cut).filter { $0.invoiceID != ctx.invoiceID }.prefix(s.limit).map { $0 } }
            let rec: [String: Value] = [
                "count": .number(Amount(entries.count)),
                "last_amount": entries.first.map { .number($0.amount) } ?? .null,
                "last_issue_date": entries.first?.issueDate.map { .date($0) } ?? .null,
                "last_invoice_number": entries.first?.invoiceNumber.map { .string($0) } ?? .null,
                "last_invoice_id": entries.first.map { .string($0.invoiceID) } ?? .null,
                "amounts": .list(entries.map { .number($0.amount) }),
                "period_keys": .list(entries.compactMap { $0.periodKey.map { .string($0) } }),
            ]
            env.set(s.name, .record(rec))
            return StepResult(effect: .next, summary: "\(entries.count) earlier booking(s)" + (entries.first.map { ", last \($0.amount) on \($0.issueDate?.description ?? "?")" } ?? ""), inputs: "key \(key)", historyKey: key == .null ? nil : Self.keyText(key))

        case let .plan(s):
            if s.declineUnknownPair, try !ctx.plans.hasPlans(for: ctx.invoice, variables: ctx.variables) {
                return StepResult(effect: .decline("no payment plan names this supplier and receiver"), summary: "no plan for supplier and receiver: declined", inputs: nil)
            }
            guard let plan = try ctx.plans.plan(for: ctx.invoice, variables: ctx.variables, on: ctx.today) else {
                return StepResult(effect: stop(s.none, env, "no payment plan covers this supplier and receiver"), summary: "no plan", inputs: nil)
            }
            env.set(s.name, .record(plan))
            return StepResult(effect: .next, summary: "plan \(plan["id"] ?? .null) matched by \(plan["matched_by"] ?? .null)", inputs: nil)

        case let .manual(s):
            if let when = s.when, try when.evaluate(in: env) != .bool(true) {
                return StepResult(effect: .next, summary: "not needed", inputs: s.when?.source)
            }
            return StepResult(effect: stop(s.deviation, env, "routed to manual handling"), summary: "manual: \(s.deviation.reason)", inputs: s.when?.source)

        case let .decline(s):
            if let when = s.when, try when.evaluate(in: env) != .bool(true) {
                return StepResult(effect: .next, summary: "not declined", inputs: s.when?.source)
            }
            let why = s.why?.render(in: env) ?? "declined"
            return StepResult(effect: .decline(why), summary: "declined: \(why)", inputs: s.when?.source)

        case let .book(s):
            let account = try Self.text(s.account.evaluate(in: env))
            guard let account, !account.isEmpty else { return StepResult(effect: .stop("posting-incomplete", "the posting template gave no account"), summary: "no account", inputs: nil) }
            var dims: [String: String] = [:]
            for d in s.dimensions {
                let v = try d.value.evaluate(in: env)
                if d.name == "*" {
                    if case let .record(r) = v { for (k, x) in r { if let t = Self.text(x) { dims[k] = t } } }
                } else if let t = Self.text(v) { dims[d.name] = t }
            }
            var vat = try s.vatCode.flatMap { Self.text(try $0.evaluate(in: env)) }.flatMap { $0.trimmingWhitespace(includingNewlines: false).isEmpty ? nil : $0 }
            let exempt = vat?.lowercased() == "exempt"
            if exempt { vat = nil }
            let key = try s.historyKey.flatMap { k -> String? in let v = try k.evaluate(in: env); return v == .null ? nil : Self.keyText(v) }
            var updates: [CaseUpdate] = []
            for w in s.writeBacks {
                var params: [String: Value] = [:]
                for p in w.params { params[p.name] = try p.value.evaluate(in: env) }
                let canonical = params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
                let idem = RobotHash.sha256(Data("\(ctx.invoiceID)|\(robot.name)|\(w.connector)|\(w.action)|\(canonical)".utf8))
                var update = CaseUpdate(connector: w.connector, action: w.action, params: params, idempotencyKey: String(idem.prefix(32)), invoiceID: ctx.invoiceID)
                update.compensate = w.compensate
                updates.append(update)
            }
            let draft = BookingDraft(account: account, dimensions: dims, vatCode: vat, vatExempt: exempt, text: s.text?.render(in: env), pay: s.pay, caseUpdates: updates)
            return StepResult(effect: .book(draft, key), summary: "book on \(account)" + (dims.isEmpty ? "" : " " + dims.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")) + (updates.isEmpty ? "" : "; \(updates.count) case update(s)"), inputs: nil)
        }
    }

    /// Checks a record against the fields the robot expects: a missing or mistyped field is a bad answer.
    func shape(_ record: [String: Value], _ s: Lookup) throws -> [String: Value] {
        var out: [String: Value] = [:]
        for (field, type) in s.fields {
            let v = record[field] ?? .null
            switch (type, v) {
            case (_, .null):
                out[field] = .null
            case (.string, .string), (.number, .number), (.bool, .bool), (.date, .date):
                out[field] = v
            case let (.string, .number(n)):
                out[field] = .string(n.description)
            case let (.number, .string(t)):
                guard let a = Amount(parsing: t) else { throw ConnectorError.badAnswer(connector: s.connector, field: field, message: "'\(t)' is not a number") }
                out[field] = .number(a)
            case let (.date, .string(t)):
                guard let d = LocalDate(parsing: t) else { throw ConnectorError.badAnswer(connector: s.connector, field: field, message: "'\(t)' is not a date") }
                out[field] = .date(d)
            case let (.bool, .string(t)):
                guard ["true", "false"].contains(t.lowercased()) else { throw ConnectorError.badAnswer(connector: s.connector, field: field, message: "'\(t)' is not true/false") }
                out[field] = .bool(t.lowercased() == "true")
            default:
                throw ConnectorError.badAnswer(connector: s.connector, field: field, message: "expected \(type.rawValue), got \(v)")
            }
        }
        return out
    }

    /// `name(a: 1, b: "x", on 2026-11-01)`: a lookup's or table's arguments, sorted by name, as a trace shows them
    /// (the date after a comma, whatever comes before it); written into one string.
    static func call(_ name: String, _ arguments: [String: Value], on date: LocalDate?) -> String {
        // Written as bytes into one buffer and made a string once (a `String` grown append by append costs ~340
        // instructions an append).
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count + 24 + 32 * arguments.count)
        out.append(contentsOf: name.utf8)
        out.append(0x28)   // (
        Value.write(fields: arguments, to: &out)
        if let date { out.append(contentsOf: ", on ".utf8); out.append(contentsOf: date.description.utf8) }
        out.append(0x29)   // )
        return String(decoding: out, as: UTF8.self)
    }

    static func text(_ v: Value) -> String? {
        switch v {
        case .null: return nil
        case let .string(s): return s
        case let .number(n): return n.description
        case let .date(d): return d.description
        case let .bool(b): return b ? "true" : "false"
        default: return v.description
        }
    }

    static func keyText(_ v: Value) -> String { text(v) ?? "" }
}
