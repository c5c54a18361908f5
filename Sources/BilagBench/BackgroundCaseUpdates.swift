import BilagEngine
import BilagOutbox
import Foundation
import Synchronization

/// Sends robots' write-backs on a thread of its own, woken after each commit that queued some, as the daemon's
/// case-update service does; the bookings it releases are handed to the Outbox writer. So the touchless month measures
/// the committing thread as it runs in production, not waiting for the case systems. `finish` sends what is left.
final class BackgroundCaseUpdates: CaseUpdateFlushing, Sendable {
    let sender: @Sendable () -> CaseUpdateSender
    let outbox: any OutboxFlushing
    private let queue = DispatchQueue(label: "bilag.bench.case-updates")
    /// Raised by `caseUpdatesQueued`, lowered when a send starts: commits that come while one runs share the next.
    private let wanted = Atomic(false)
    private let failure = Mutex<String?>(nil)

    init(sender: @escaping @Sendable () -> CaseUpdateSender, outbox: any OutboxFlushing) { self.sender = sender; self.outbox = outbox }

    func caseUpdatesQueued() {
        guard !wanted.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.async { [self] in send() }
    }

    private func send() {
        wanted.store(false, ordering: .releasing)
        do {
            if try !sender().flush(dueOnly: false).released.isEmpty { try outbox.bookingsCommitted() }
        } catch { failure.withLock { $0 = "\(error)" } }
    }

    /// Waits for the send under way, sends what is left, and throws what a send failed with.
    func finish() throws {
        queue.sync { send() }
        if let f = failure.withLock({ $0 }) { throw BilagBenchError("case updates: \(f)") }
    }
}
