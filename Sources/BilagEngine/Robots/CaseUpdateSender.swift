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
        let pending = try store.pendingCaseUpdates(limit: limit)
        // Per connector, in queue order, all at once (the embedded default writes them with one sync).
        for name in pending.map(\.connector).uniqued() {
            let mine = pending.filter { $0.connector == name }
            guard let connector = connectors[name] else {
                for u in mine { try store.markCaseUpdateFailed(u.id, error: "connector \(name) is not configured") }
                continue
            }
            var ready: [(PendingCaseUpdate, CaseUpdate)] = []
            for u in mine {
                do { ready.append((u, try JSONDecoder().decode(CaseUpdate.self, from: Data(u.payload.utf8)))) } catch {
                    try store.markCaseUpdateFailed(u.id, error: "unreadable update: \(error)")
                }
            }
            guard let first = ready.first else { continue }
            do {
                try connector.send(all: ready.map(\.1))
                try store.markCaseUpdatesSent(ready.map(\.0.id))
                sent += ready.count
            } catch {
                // The system is down: its updates stay pending (the first carries the error) and go again later.
                try store.markCaseUpdateFailed(first.0.id, error: "\(error)")
                logger.warning("case updates not sent; will retry", metadata: ["connector": "\(name)", "count": "\(ready.count)", "invoice": "\(first.0.invoiceID)", "error": "\(error)"])
            }
        }
        return sent
    }
}

extension Sequence where Element: Hashable {
    /// The elements in order of first appearance, each once.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
