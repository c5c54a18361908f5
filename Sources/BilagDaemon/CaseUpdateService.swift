import BilagCore
import BilagEngine
import BilagOutbox
import Foundation
import Logging
import ServiceLifecycle

/// Sends case-system updates (robots' write-backs), beside the Outbox service: woken when the pipeline commits
/// updates, and every interval for those whose retry time has come. It runs on a thread of its own, so the committing
/// thread never waits for a case system. Retries follow `RetryPolicy` (backoff with jitter, `Retry-After`, the
/// connector's circuit breaker, the deadline). Bookings it releases (every write-back confirmed) are handed to the
/// Outbox service; at shutdown (after intake has stopped) it sends what is due once more, before the Outbox's last
/// flush.
public final class CaseUpdateService: Service, CaseUpdateFlushing, Sendable {
    let sender: @Sendable () -> CaseUpdateSender
    let outbox: any OutboxFlushing
    let logger: Logger
    let wakeUps: WakeUps

    public init(sender: @escaping @Sendable () -> CaseUpdateSender, outbox: any OutboxFlushing, interval: Duration, logger: Logger) {
        self.sender = sender
        self.outbox = outbox
        self.logger = logger
        wakeUps = WakeUps(interval: interval, label: "bilag.case-updates", logger: logger)
    }

    /// Called on the committing thread: wakes the service; never blocks.
    public func caseUpdatesQueued() { wakeUps.poke() }

    public func run() async throws {
        await wakeUps.run(failed: "cannot send case updates; trying again at every interval (logged once until it succeeds)", recovered: "case updates are sent again") { [self] in
            let result = try sender().flush(dueOnly: true)
            if !result.released.isEmpty { try outbox.bookingsCommitted() }
        }
        logger.notice("case-update sender stopped")
    }
}
