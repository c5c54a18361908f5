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
        var down = Set<String>()
        for u in try store.pendingCaseUpdates(limit: limit) where !down.contains(u.connector) {
            guard let connector = connectors[u.connector] else {
                try store.markCaseUpdateFailed(u.id, error: "connector \(u.connector) is not configured")
                continue
            }
            if let until = connector.notBefore, until > Date() { down.insert(u.connector); continue }
            do {
                let update = try JSONDecoder().decode(CaseUpdate.self, from: Data(u.payload.utf8))
                try connector.send(update)
                try store.markCaseUpdateSent(u.id)
                sent += 1
            } catch let ConnectorError.refused(c, action, status, message) {
                try store.markCaseUpdateRefused(u.id, error: "HTTP \(status): \(message)")
                logger.error("case update refused by the case system; handle it by hand", metadata: ["connector": "\(c)", "action": "\(action)", "invoice": "\(u.invoiceID)", "status": "\(status)", "message": "\(PersonalData.mask(message))"])
            } catch {
                down.insert(u.connector)
                try store.markCaseUpdateFailed(u.id, error: PersonalData.mask("\(error)"))
                logger.warning("case update not sent; will retry with the same idempotency key", metadata: ["connector": "\(u.connector)", "invoice": "\(u.invoiceID)", "error": "\(PersonalData.mask("\(error)"))"])
            }
        }
        return sent
    }
}
