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
        guard all.values.contains(where: { $0 is AsyncConnector }) else { return ready(nil) }
        askAhead(input, all, PrefetchedLookups(written: written), round: 1, ready)
    }

    private func askAhead(_ input: DecisionInput, _ all: [String: Connector], _ lookups: PrefetchedLookups, round: Int, _ ready: @escaping @Sendable (PrefetchedLookups?) -> Void) {
        _ = decide(input, connectors: lookups.asking(all), ahead: true)
        let missing = lookups.takeMissing()
        guard !missing.isEmpty, round <= Self.roundsAhead else { return ready(lookups.answered == 0 ? nil : lookups) }
        lookups.fetch(missing, from: all) { [self] in askAhead(input, all, lookups, round: round + 1, ready) }
    }
}
