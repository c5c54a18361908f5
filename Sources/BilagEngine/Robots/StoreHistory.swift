import BilagCore
import BilagRobots
import BilagStore
import Foundation

/// History for robots from the store, plus the bookings decided in the batch in hand (not yet committed),
/// so two invoices for the same order in one batch are seen as such.
// @unchecked: `pending` is read and written only with `lock` held.
final class StoreHistory: HistoryProvider, @unchecked Sendable {
    let store: Store
    private let lock = NSLock()
    private var pending: [String: [HistoryEntry]] = [:]

    init(store: Store) { self.store = store }

    func booked(robot: String, key: String, limit: Int, cut: HistoryCut) throws -> [HistoryEntry] {
        lock.lock()
        // Bookings of this pass were decided after any earlier decision: not part of the history as it stood then.
        let fresh = cut.decidedBefore == nil ? (pending[robot + "\u{1F}" + key] ?? []).filter { cut.admits(issued: $0.issueDate) } : []
        lock.unlock()
        let stored = try store.bookedHistory(robot: robot, key: key, limit: limit, before: cut.decidedBefore, issuedOnOrBefore: cut.issuedOnOrBefore?.description).map {
            HistoryEntry(invoiceID: $0.invoiceID, amount: $0.amount.flatMap { Amount(parsing: $0) } ?? .zero, issueDate: $0.issueDate.flatMap { LocalDate(parsing: $0) }, invoiceNumber: $0.invoiceNumber, periodKey: $0.periodKey)
        }
        return Array(HistoryEntry.latestFirst(fresh.reversed() + stored).prefix(limit))
    }

    func add(robot: String, key: String, entry: HistoryEntry) {
        lock.lock(); pending[robot + "\u{1F}" + key, default: []].append(entry); lock.unlock()
    }

    func clear() { lock.lock(); pending = [:]; lock.unlock() }
}
