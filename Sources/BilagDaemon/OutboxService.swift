import BilagCore
import BilagEngine
import BilagOutbox
import BilagStore
import Foundation
import Logging
import ServiceLifecycle

/// Writes the Outbox: woken when the pipeline commits bookings, and every flush interval for files that close by
/// schedule. It runs on a thread of its own, so the committing thread never waits for a file to be written; at
/// shutdown (after intake has stopped) it writes what is due once more.
public final class OutboxService: Service, OutboxFlushing, Sendable {
    let outbox: Outbox
    let store: Store
    let logger: Logger
    /// Woken by `bookingsCommitted` and every flush interval; a failure that persists (a layout that does not fit a
    /// value) is logged once, not at every interval, until a flush succeeds.
    let wakeUps: WakeUps

    public init(outbox: Outbox, store: Store, interval: Duration, logger: Logger) {
        self.outbox = outbox
        self.store = store
        self.logger = logger
        wakeUps = WakeUps(interval: interval, label: "bilag.outbox", logger: logger)
    }

    /// Called on the committing thread: wakes the service; never blocks, never throws.
    public func bookingsCommitted() { wakeUps.poke() }

    public func run() async throws {
        await wakeUps.run(failed: "cannot write the Outbox; trying again at every interval (logged once until it succeeds)", recovered: "the Outbox is written again",
                          metadata: { error in (error as? OperatorFacingError).map { ["code": "\($0.code)", "error": "\($0.message)", "remedy": "\($0.remedy)"] } ?? ["error": "\(error)"] }) { [self] in
            let n = try outbox.flush(store)
            if n > 0 { logger.debug("outbox written", metadata: ["bookings": "\(n)"]) }
        }
        logger.notice("outbox stopped")
    }
}
