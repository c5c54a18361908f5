import BilagRobots
import BilagStore
import Foundation
import Logging

/// Sends the case-system updates queued with bookings, after they commit. Each carries its idempotency key, so a
/// resend after a crash or a lost answer changes nothing twice. A failing system keeps its updates pending.
struct CaseUpdateSender {
    let store: Store
    let connectors: [String: Connector]
    let logger: Logger

    @discardableResult
    func flush(limit: Int = 500) throws -> Int {
        var sent = 0
        var down = Set<String>()
        for u in try store.pendingCaseUpdates(limit: limit) where !down.contains(u.connector) {
            guard let connector = connectors[u.connector] else {
                try store.markCaseUpdateFailed(u.id, error: "connector \(u.connector) is not configured")
                continue
            }
            do {
                let update = try JSONDecoder().decode(CaseUpdate.self, from: Data(u.payload.utf8))
                try connector.send(update)
                try store.markCaseUpdateSent(u.id)
                sent += 1
            } catch {
                down.insert(u.connector)
                try store.markCaseUpdateFailed(u.id, error: "\(error)")
                logger.warning("case update not sent; will retry", metadata: ["connector": "\(u.connector)", "invoice": "\(u.invoiceID)", "error": "\(error)"])
            }
        }
        return sent
    }
}
