import BilagCore
import BilagEngine
import BilagOutbox
import BilagStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Writes the Outbox: woken when the pipeline commits bookings, and every flush interval for files that close by
/// schedule. It runs on a thread of its own, so the committing thread never waits for a file to be written; at
/// shutdown (after intake has stopped) it writes what is due once more.
public final class OutboxService: Service, OutboxFlushing, Sendable {
    let outbox: Outbox
    let store: Store
    let interval: Duration
    let logger: Logger
    let queue = DispatchQueue(label: "bilag.outbox")
    /// Raised by `bookingsCommitted`, lowered when a flush starts.
    private let wanted = Atomic(false)
    /// The last failure logged, so a failure that persists (a layout that does not fit a value) is logged once, not at
    /// every interval, until a flush succeeds.
    private let lastFailure = Mutex<String?>(nil)
    private let wake = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))

    public init(outbox: Outbox, store: Store, interval: Duration, logger: Logger) {
        self.outbox = outbox
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    /// Called on the committing thread: wakes the service; never blocks, never throws.
    public func bookingsCommitted() {
        if !wanted.exchange(true, ordering: .acquiringAndReleasing) { wake.continuation.yield() }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                // A tick every interval, for files that close by schedule and for retries after a failure.
                group.addTask { [interval, wake] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        wake.continuation.yield()
                    }
                }
                for await _ in wake.stream {
                    await flushOnce()
                }
                group.cancelAll()
            }
        } onGracefulShutdown: { [wake] in
            wake.continuation.finish()
        }
        await flushOnce()
        logger.notice("outbox stopped")
    }

    /// One flush of every writer, on the service's own thread; a failure is logged and tried again at the next tick.
    func flushOnce() async {
        wanted.store(false, ordering: .releasing)
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            queue.async { [self] in
                do {
                    let n = try outbox.flush(store)
                    if n > 0 { logger.debug("outbox written", metadata: ["bookings": "\(n)"]) }
                    if lastFailure.withLock({ $0.take() }) != nil { logger.notice("the Outbox is written again") }
                } catch {
                    let meta: Logger.Metadata = (error as? OperatorFacingError).map { ["code": "\($0.code)", "error": "\($0.message)", "remedy": "\($0.remedy)"] } ?? ["error": "\(error)"]
                    let repeated = lastFailure.withLock { last in defer { last = "\(error)" }; return last == "\(error)" }
                    if !repeated { logger.error("cannot write the Outbox; trying again at every interval (logged once until it succeeds)", metadata: meta) }
                }
                cont.resume()
            }
        }
    }
}
