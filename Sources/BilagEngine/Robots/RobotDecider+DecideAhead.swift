import BilagCore
import BilagRobotLanguage
import BilagRobots
import Foundation
import Synchronization

/// Decisions off the committing thread: each valid invoice is decided on the examination worker that examined it,
/// against history, plans and case data as they stand then, and every read is logged with its answer (`ReadLog`).
/// On the committing thread, in business order, `confirm` asks each read again — history with this batch's bookings so
/// far, plans, case data, the acting robot's pause — and takes the decision made ahead only when every answer is the
/// same (and the robots, the configuration and the date are those it was made with); otherwise the invoice is decided
/// again there. A robot's run is a function of exactly these, so the decision recorded is always the one the
/// committing thread would have made: two rent invoices of one tenancy, or two invoices of one plan period, in one
/// batch are decided ahead alike, and the second is redone once the first is in the batch's history.
///
/// Only with the embedded connectors (`files`): with slow case systems the lookups are asked ahead instead (`prepare`).
extension RobotDecider {
    public func decideAhead(_ input: DecisionInput) -> (any DecidedAhead)? {
        guard decidesAhead, !input.takenUpAgain, input.lookups == nil else { return nil }
        let all = connectors
        guard !all.values.contains(where: { $0 is AsyncConnector }) else { return nil }
        let generation = self.generation.load(ordering: .acquiring)
        let log = ReadLog()
        let (record, effects) = decide(input, connectors: all.mapValues { LoggedConnector(base: $0, log: log) as Connector },
                                       history: LoggedHistory(base: history, log: log), plans: LoggedPlans(base: plans, log: log))
        if log.failed { return nil }
        if case .wait = record.decision { return nil }
        return DecidedAheadByRobots(record: record, effects: effects, reads: log, generation: generation, today: clock())
    }

    /// The decision made ahead when everything it read still reads the same, its effects applied; nil otherwise.
    func confirm(_ ahead: DecidedAheadByRobots, _ input: DecisionInput) -> DecisionRecord? {
        guard ahead.generation == generation.load(ordering: .acquiring), ahead.today == clock(),
              ahead.effects.kept.map({ pause.isPaused($0.robot) == $0.paused }) ?? true,
              ahead.reads.stillHold(history: history, plans: plans, connectors: connectors) else {
            decidedAheadRedone.add(1, ordering: .relaxed)
            return nil
        }
        decidedAheadConfirmed.add(1, ordering: .relaxed)
        apply(ahead.effects)
        return ahead.record
    }
}

/// A decision made ahead by the robots, with every read it made.
struct DecidedAheadByRobots: DecidedAhead {
    let record: DecisionRecord
    let effects: RobotDecider.Effects
    let reads: ReadLog
    /// `RobotDecider.generation` when it was made: robots, connectors and configuration as they were.
    let generation: Int
    let today: LocalDate
}

/// What one decision read of history, plans and case data, each with the answer it got.
// @unchecked: written only by the one thread deciding ahead, read after it hands the decision over.
final class ReadLog: @unchecked Sendable {
    var history: [(robot: String, key: String, limit: Int, cut: HistoryCut, entries: [HistoryEntry])] = []
    var plans: [(invoice: Invoice, variables: [String: Value], date: LocalDate, plan: [String: Value]?)] = []
    var hasPlans: [(invoice: Invoice, variables: [String: Value], answer: Bool)] = []
    var lookups: [(connector: String, query: String, params: [String: Value], records: [[String: Value]])] = []
    /// A read failed: the decision made ahead is not used.
    var failed = false

    /// True when every read gives the same answer now.
    func stillHold(history h: HistoryProvider, plans p: PlanProvider, connectors: [String: Connector]) -> Bool {
        do {
            for r in history {
                if try h.booked(robot: r.robot, key: r.key, limit: r.limit, cut: r.cut) != r.entries { return false }
            }
            for r in plans {
                if try p.plan(for: r.invoice, variables: r.variables, on: r.date) != r.plan { return false }
            }
            for r in hasPlans {
                if try p.hasPlans(for: r.invoice, variables: r.variables) != r.answer { return false }
            }
            for r in lookups {
                guard let c = connectors[r.connector], try c.lookup(query: r.query, params: r.params) == r.records else { return false }
            }
            return true
        } catch {
            return false
        }
    }

    func logging<T>(_ read: () throws -> T, _ note: (T) -> Void) throws -> T {
        do {
            let answer = try read()
            note(answer)
            return answer
        } catch {
            failed = true
            throw error
        }
    }
}

struct LoggedHistory: HistoryProvider {
    let base: HistoryProvider
    let log: ReadLog
    func booked(robot: String, key: String, limit: Int, cut: HistoryCut) throws -> [HistoryEntry] {
        try log.logging({ try base.booked(robot: robot, key: key, limit: limit, cut: cut) }) { log.history.append((robot, key, limit, cut, $0)) }
    }
}

struct LoggedPlans: PlanProvider {
    let base: PlanProvider
    let log: ReadLog
    func plan(for invoice: Invoice, variables: [String: Value], on date: LocalDate) throws -> [String: Value]? {
        try log.logging({ try base.plan(for: invoice, variables: variables, on: date) }) { log.plans.append((invoice, variables, date, $0)) }
    }
    func hasPlans(for invoice: Invoice, variables: [String: Value]) throws -> Bool {
        try log.logging({ try base.hasPlans(for: invoice, variables: variables) }) { log.hasPlans.append((invoice, variables, $0)) }
    }
}

struct LoggedConnector: Connector {
    let base: Connector
    let log: ReadLog
    var name: String { base.name }
    func lookup(query: String, params: [String: Value]) throws -> [[String: Value]] {
        try log.logging({ try base.lookup(query: query, params: params) }) { log.lookups.append((base.name, query, params, $0)) }
    }
    func send(_ update: CaseUpdate) throws {
        log.failed = true
        throw ConnectorError.unknown(connector: base.name, message: "nothing is sent while deciding ahead")
    }
    var notBefore: Date? { base.notBefore }
}
