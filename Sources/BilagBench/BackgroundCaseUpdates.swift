import BilagEngine
import BilagOutbox
import Foundation
import Synchronization

/// Sends the write-backs of committed bookings on a thread of its own, woken after each commit that queued some, as
/// the daemon's case-update service does: so a month against an HTTP case system measures the committing thread as it
/// runs in production, not waiting on one write-back after another. Bookings it releases go to the Outbox writer.
/// `finish` waits until every write-back is sent.
final class BackgroundCaseUpdates: CaseUpdateFlushing, Sendable {
    let decider: RobotDecider
    let outbox: any OutboxFlushing
    private let queue = DispatchQueue(label: "bilag.bench.case-updates")
    /// Raised by `caseUpdatesQueued`, lowered when a send starts: commits that come while one runs share the next.
    private let wanted = Atomic(false)
    private let failure = Mutex<String?>(nil)

    init(decider: RobotDecider, outbox: any OutboxFlushing) { self.decider = decider; self.outbox = outbox }

    func caseUpdatesQueued() {
        guard !wanted.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.async { [self] in _ = send() }
    }

    /// One flush of what is pending; how many it sent.
    private func send() -> Int {
        wanted.store(false, ordering: .releasing)
        do {
            let r = try decider.caseUpdateSender().flush(dueOnly: false)
            if !r.released.isEmpty { try outbox.bookingsCommitted() }
            return r.sent
        } catch {
            failure.withLock { $0 = "\(error)" }
            return 0
        }
    }

    /// Sends until nothing more goes, and throws what a send failed with.
    func finish() throws {
        while queue.sync(execute: { send() }) > 0 {}
        if let f = failure.withLock({ $0 }) { throw BilagBenchError("the case updates could not be sent: \(f)") }
    }
}
