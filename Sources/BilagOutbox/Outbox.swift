import BilagCore
import BilagStore
import Foundation

/// The writers `bilag.yaml` chose (`outbox.writers`), each with its own files, flushed together.
public final class Outbox: Sendable {
    public let writers: [OutboxFiles]
    /// The payments writer (`kind: payments`), when bilag pays.
    public let payments: PaymentFiles?
    /// Where a failed flush is recorded for `bilag status` (`OutboxTrouble`), when the Outbox belongs to a state folder.
    public let trouble: OutboxTroubleRecord?

    public init(_ writers: [OutboxFiles], payments: PaymentFiles? = nil, stateDirectory: String? = nil) {
        self.writers = writers; self.payments = payments; trouble = stateDirectory.map(OutboxTroubleRecord.init)
    }

    /// The writers `settings` describe, each making its files under `outbox`.
    public convenience init(outbox: String, settings: [OutboxWriterSettings], root: String, stateDirectory: String? = nil) throws {
        // (bilag.yaml holds one payments writer at most: `ConfigLoader` refuses more.)
        let pay = settings.filter { $0.kind == PaymentSettings.kind }
        self.init(try settings.filter { $0.kind != PaymentSettings.kind }.map { s in
            OutboxFiles(try OutboxWriterKinds.make(s, root: root), outbox: outbox, maxEntriesPerFile: s.maxEntriesPerFile, closeAfterSeconds: s.closeAfterSeconds, kind: s.kind)
        }, payments: try pay.first.map { PaymentFiles(try PaymentSettings($0), outbox: outbox) }, stateDirectory: stateDirectory)
    }

    /// Takes over what writers killed mid-flush left, or throws `StoreBehindOutbox`.
    public func reconcile(with store: Store) throws {
        for w in writers { try w.reconcile(with: store) }
        try payments?.reconcile(with: store)
    }

    /// Writes what every writer has to write now; returns how many bookings were written, over all writers.
    /// Every writer is tried even when one fails; the first failure is thrown after.
    @discardableResult
    public func flush(_ store: Store, now: Date = Date()) throws -> Int {
        var total = 0
        var failure: Error?
        for w in writers {
            do { total += try w.flush(store, now: now) } catch { if failure == nil { failure = error } }
        }
        if let payments {
            do { total += try payments.flush(store, now: now) } catch { if failure == nil { failure = error } }
        }
        trouble?.flushed(failure)
        if let failure { throw failure }
        return total
    }

    /// The writer named `name`.
    public func writer(_ name: String) -> OutboxFiles? { writers.first { $0.name == name } }
}

/// Told when bookings were committed: the Outbox service wakes, or (with no daemon, as in `bilag queue approve` and
/// `bilag run --once`) the Outbox is flushed at once.
public protocol OutboxFlushing: Sendable {
    func bookingsCommitted() throws
}

/// Flushes at once, on the caller's thread: for commands that run without the daemon.
///
/// The bookings are committed whatever happens here, so a file that cannot be written now (a layout that does not fit
/// a value, a full disk) does not fail the command that booked: `failed` reports it, and the next flush writes the
/// file. Only a store behind its Outbox stops the command.
public struct FlushAtOnce: OutboxFlushing {
    public let outbox: Outbox
    public let store: Store
    let failed: @Sendable (Error) -> Void
    public init(outbox: Outbox, store: Store, failed: @escaping @Sendable (Error) -> Void) { self.outbox = outbox; self.store = store; self.failed = failed }
    public func bookingsCommitted() throws {
        do { try outbox.flush(store) } catch let e as StoreBehindOutbox { throw e } catch { failed(error) }
    }
}
