import BilagOutbox
import BilagStore
import Foundation
import Synchronization

/// Writes the Outbox on a thread of its own, woken after each commit that booked, as the daemon's Outbox service does:
/// so the touchless month measures the committing thread as it runs in production, not waiting for the files.
/// `finish` waits until everything committed is written.
final class BackgroundFlush: OutboxFlushing, Sendable {
    let outbox: Outbox
    let store: Store
    private let queue = DispatchQueue(label: "bilag.bench.outbox")
    /// Raised by `bookingsCommitted`, lowered when a flush starts: commits that come while one runs share the next.
    private let wanted = Atomic(false)
    private let failure = Mutex<String?>(nil)

    init(outbox: Outbox, store: Store) { self.outbox = outbox; self.store = store }

    func bookingsCommitted() {
        guard !wanted.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.async { [self] in flush() }
    }

    private func flush() {
        wanted.store(false, ordering: .releasing)
        do { _ = try outbox.flush(store) } catch { failure.withLock { $0 = "\(error)" } }
    }

    /// Waits for the flush under way, writes what is left, and throws what a flush failed with.
    func finish() throws {
        queue.sync { flush() }
        if let f = failure.withLock({ $0 }) { throw BilagBenchError("the Outbox could not be written: \(f)") }
    }
}

struct BilagBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
