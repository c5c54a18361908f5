import BilagCore
import BilagRobots
import BilagStore
import Foundation
import Logging

/// Sends the case-system updates queued with bookings, after they commit. Each carries its idempotency key, so a
/// resend after a crash or a lost answer changes nothing twice. A failing system keeps its updates pending (sent
/// again, with the same key, on a later pass once its circuit breaker lets requests through); an update the case
/// system definitively refuses is marked `refused` with its message and logged as an error for an operator.
struct CaseUpdateSender {
    let store: Store
    let connectors: [String: Connector]
    let logger: Logger

    @discardableResult
    func flush(limit: Int = 500) throws -> Int {
        var sent = 0
        let pending = try store.pendingCaseUpdates(limit: limit)
        // Per connector, in queue order: all at once where the connector takes them together (the embedded default:
        // one write, one sync), else one request each.
        for name in pending.map(\.connector).uniqued() {
            let mine = pending.filter { $0.connector == name }
            guard let connector = connectors[name] else {
                for u in mine { try store.markCaseUpdateFailed(u.id, error: "connector \(name) is not configured") }
                continue
            }
            if let until = connector.notBefore, until > Date() { continue }   // its breaker is open: later
            var ready: [(PendingCaseUpdate, CaseUpdate)] = []
            for u in mine {
                do { ready.append((u, try JSONDecoder().decode(CaseUpdate.self, from: Data(u.payload.utf8)))) } catch {
                    try store.markCaseUpdateFailed(u.id, error: "unreadable update: \(error)")
                }
            }
            if connector.takesUpdatesTogether {
                sent += try sendTogether(ready, to: connector)
                continue
            }
            for (u, update) in ready {
                do {
                    try connector.send(update)
                    try store.markCaseUpdateSent(u.id)
                    sent += 1
                } catch let ConnectorError.refused(c, action, status, message) {
                    try store.markCaseUpdateRefused(u.id, error: "HTTP \(status): \(message)")
                    logger.error("case update refused by the case system; handle it by hand", metadata: ["connector": "\(c)", "action": "\(action)", "invoice": "\(u.invoiceID)", "status": "\(status)", "message": "\(PersonalData.mask(message))"])
                } catch {
                    // The system is down: this and its later updates stay pending and go again, with the same keys.
                    try store.markCaseUpdateFailed(u.id, error: PersonalData.mask("\(error)"))
                    logger.warning("case update not sent; will retry with the same idempotency key", metadata: ["connector": "\(name)", "invoice": "\(u.invoiceID)", "error": "\(PersonalData.mask("\(error)"))"])
                    break
                }
            }
        }
        return sent
    }

    /// A connector's updates sent as one (the files connector: one write, one sync) and marked sent in one
    /// transaction; on failure they all stay pending, the first carrying the error.
    func sendTogether(_ ready: [(PendingCaseUpdate, CaseUpdate)], to connector: Connector) throws -> Int {
        guard let first = ready.first else { return 0 }
        do {
            try connector.send(all: ready.map(\.1))
            try store.markCaseUpdatesSent(ready.map(\.0.id))
            return ready.count
        } catch {
            try store.markCaseUpdateFailed(first.0.id, error: PersonalData.mask("\(error)"))
            logger.warning("case updates not sent; will retry with the same idempotency keys", metadata: ["connector": "\(connector.name)", "count": "\(ready.count)", "invoice": "\(first.0.invoiceID)", "error": "\(PersonalData.mask("\(error)"))"])
            return 0
        }
    }
}

extension Sequence where Element: Hashable {
    /// The elements in order of first appearance, each once.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
