import BilagRobots
import Foundation

/// Lookups off the commit path: what an invoice's robots will ask of slow case systems (`http` connectors) is asked
/// ahead, on the examination side, while many other invoices' lookups are in flight too.
///
/// The robots are run ahead with connectors that answer only what has come (`PrefetchedLookups.asking`): each run stops
/// at the first lookup not answered yet, those lookups are sent at once, and when their answers are in the robots run
/// again, until a run asks nothing new (a robot with two lookups in a row takes two rounds). Nothing of a run ahead
/// counts: it books nothing, adds nothing to history and counts nothing towards a pause. The decision is made later on
/// the committing thread, in business order, with the history as it then stands and the answers fetched here; so
/// order and history work as they do without it. A system failure fetched here is that lookup's answer: the decision
/// makes the invoice wait, as when it asked itself.
extension RobotDecider {
    /// The most rounds of lookups asked ahead for one invoice; a robot asking more in a row asks the rest itself.
    static let roundsAhead = 8

    public func prepare(_ input: DecisionInput, ready: @escaping @Sendable (PrefetchedLookups?) -> Void) {
        let all = connectors
        // Asked for every valid invoice: with no slow connector (the embedded `files` only), nothing is built.
        guard all.values.contains(where: { $0 is AsyncConnector }) else { return ready(nil) }
        let slow = Set(all.compactMap { $0.value is AsyncConnector ? $0.key : nil })
        // Only the robots that take the invoice and look something up in a slow connector can make its decision ask
        // one: an invoice none of them takes is not run ahead at all (no robot run twice for nothing). When they have
        // one such lookup between them, its answer is all the decision can ask: one round, not another run to find
        // that nothing more is missing.
        let lookups = slowLookups(input, slow)
        guard lookups > 0 else { return ready(nil) }
        askAhead(input, all, PrefetchedLookups(written: written), round: 1, rounds: lookups == 1 ? 1 : Self.roundsAhead, ready)
    }

    private func askAhead(_ input: DecisionInput, _ all: [String: Connector], _ lookups: PrefetchedLookups, round: Int, rounds: Int, _ ready: @escaping @Sendable (PrefetchedLookups?) -> Void) {
        _ = decide(input, connectors: lookups.asking(all), ahead: true)
        let missing = lookups.takeMissing()
        guard !missing.isEmpty else { return ready(lookups.answered == 0 ? nil : lookups) }
        lookups.fetch(missing, from: all) { [self] in
            if round < rounds { askAhead(input, all, lookups, round: round + 1, rounds: rounds, ready) } else { ready(lookups) }
        }
    }

    /// How many lookup steps in slow connectors the robots (live and shadow) that take this invoice have between them.
    func slowLookups(_ input: DecisionInput, _ slow: Set<String>) -> Int {
        let asking = catalog.robots.compactMap { robot -> (Robot, Int)? in
            let n = robot.steps.filter { if case let .lookup(s) = $0 { return slow.contains(s.connector) } else { return false } }.count
            return n > 0 ? (robot, n) : nil
        }
        guard !asking.isEmpty else { return 0 }
        let ctx = RobotContext(invoiceID: input.invoiceID, channel: input.channel, invoice: input.invoice, today: clock(), connectors: [:], history: history, plans: plans)
        return asking.reduce(0) { total, a in
            let runner = RobotRunner(robot: a.0)
            return runner.matches(runner.environment(ctx)) ? total + a.1 : total
        }
    }
}
