import BilagCore
import BilagOutbox
import BilagRobots
import BilagStore
import Foundation
import Logging

/// Sends the case-system updates queued with bookings, after they commit. Each carries its idempotency key, so a
/// resend after a crash or a lost answer changes nothing twice.
///
/// - A confirmed update is marked `sent`, and a booking held for its write-backs is released in the same transaction
///   (its journal entry is created: the Outbox may then write it, and payments take it).
/// - A system failure (down, timeout, 5xx, 429) keeps the update pending with a retry time from `RetryPolicy`
///   (exponential backoff with jitter, never before the connector's `Retry-After` or open breaker); at the
///   case-system deadline it is given up and its invoice goes to manual (`case-system-unavailable`).
/// - A definitive refusal (a 4xx that is not "already done") is marked `refused`; its held booking is withdrawn and the
///   invoice goes to manual as `case-update-refused` with the case system's message.
/// - For a connector configured with `updates: files`, the updates are written as files into
///   `Outbox/case-updates/CONNECTOR/` instead (`CaseUpdateFiles`); once written they count as delivered.
public struct CaseUpdateSender: Sendable {
    public let store: Store
    public let connectors: [String: Connector]
    /// Connectors whose updates are written as files.
    public let files: [String: CaseUpdateFiles]
    public let policy: RetryPolicy
    public let logger: Logger

    public init(store: Store, connectors: [String: Connector], files: [String: CaseUpdateFiles] = [:], policy: RetryPolicy, logger: Logger) {
        self.store = store; self.connectors = connectors; self.files = files; self.policy = policy; self.logger = logger
    }

    /// What one flush did.
    public struct Result: Sendable, Equatable {
        public var sent = 0
        /// Invoices whose held bookings were released (the Outbox has new entries to write).
        public var released: [String] = []
        /// Invoices sent to manual (refused, or given up at the deadline).
        public var toManual: [String] = []
        public init() {}
    }

    /// Sends pending updates. With `dueOnly`, only those whose retry time has come (the daemon's service); without,
    /// every pending one whose case system may be asked now (a batch run or a command, which has no later).
    ///
    /// A write-back of an invoice whose reversal is pending waits for it; once a round has settled or queued a
    /// reversal, another round sends what then may go (each update is tried at most once a flush).
    @discardableResult
    public func flush(limit: Int = 500, dueOnly: Bool = true) throws -> Result {
        var result = Result()
        // This flush's name on the updates it claims: another sender (a daemon's service, an operator's command)
        // never sends an update while this one holds it.
        let claimant = Store.caseUpdateClaimant()
        var tried = Set<Int64>()
        for _ in 0..<8 {
            let pending = try store.pendingCaseUpdates(limit: limit, now: dueOnly ? Timestamp.string(policy.now()) : nil).filter { !tried.contains($0.id) }
            guard !pending.isEmpty else { break }
            tried.formUnion(pending.map(\.id))
            let queuedReversals = result.toManual.count
            try round(pending, claimant: claimant, into: &result)
            // Another round only when reversals were queued (an invoice sent to manual) or tried (one settled lets
            // its invoice's write-backs go).
            guard result.toManual.count > queuedReversals || pending.contains(where: { $0.compensates != nil }) else { break }
        }
        if !result.released.isEmpty { logger.info("bookings released: their write-backs are confirmed", metadata: ["count": "\(result.released.count)"]) }
        return result
    }

    /// One pass over the pending updates read at its start; each is claimed for `claimant` just before it is sent.
    func round(_ pending: [PendingCaseUpdate], claimant: String, into result: inout Result) throws {
        // Per connector, in queue order: as a file, or all at once where the connector takes them together (the
        // embedded default: one write, one sync), else one request each.
        for name in pending.map(\.connector).uniqued() {
            let mine = pending.filter { $0.connector == name }
            if let target = files[name] {
                do {
                    result.released += try target.write(mine, store: store, now: policy.now())
                    result.sent += mine.count
                } catch {
                    for u in mine { try failed(u, error: "cannot write its file: \(error)", connector: nil, into: &result) }
                }
                continue
            }
            guard let connector = connectors[name] else {
                for u in mine { try failed(u, error: "connector \(name) is not configured", connector: nil, into: &result) }
                continue
            }
            if let until = connector.notBefore, until > policy.now() { continue }   // its breaker is open: later
            var ready: [(PendingCaseUpdate, CaseUpdate)] = []
            for u in mine {
                do { ready.append((u, try CaseUpdate(payload: u.payload) ?? JSONDecoder().decode(CaseUpdate.self, from: Data(u.payload.utf8)))) } catch {
                    try failed(u, error: "unreadable update: \(error)", connector: connector, into: &result)
                }
            }
            if connector.takesUpdatesTogether {
                try sendTogether(ready, to: connector, claimant: claimant, into: &result)
                continue
            }
            if connector.sendsSideBySide {
                try sendSideBySide(ready, to: connector, claimant: claimant, into: &result)
                continue
            }
            for (u, var update) in ready {
                // The list was read before this loop: a refusal on the way may have withdrawn this update (its invoice
                // goes to manual), a reversal of its invoice may be pending, or another sender may be sending it. The
                // claim, one statement, settles all three: only the sender that gets it sends.
                guard try store.claimCaseUpdate(u.id, by: claimant) else { continue }
                if let earlier = try store.caseUpdateWireKey(u.id) { update.idempotencyKey = earlier }
                do {
                    try connector.send(update)
                    result.released += try store.markCaseUpdateSent(u.id)
                    result.sent += 1
                } catch let ConnectorError.refused(c, action, status, message) {
                    try refused(u, connector: c, action: action, status: status, message: message, into: &result)
                } catch {
                    // The system is down: this and its later updates stay pending and go again, with the same keys.
                    try failed(u, error: PersonalData.mask("\(error)"), connector: connector, into: &result)
                    break
                }
            }
        }
    }

    /// A connector whose updates are requests of their own that can go at once (`http`): each invoice's updates in
    /// order, different invoices' side by side, in waves (the first update of each invoice, then the next of those
    /// whose update was taken, …); each wave's confirmations marked sent in one transaction. A refusal or failure
    /// stops its invoice's later updates; a system failure stops the later waves too (the system is down: they wait).
    func sendSideBySide(_ ready: [(PendingCaseUpdate, CaseUpdate)], to connector: Connector, claimant: String, into result: inout Result) throws {
        var queues: [[(PendingCaseUpdate, CaseUpdate)]] = []
        var queueOf: [String: Int] = [:]
        for item in ready {
            if let q = queueOf[item.0.invoiceID] { queues[q].append(item) } else { queueOf[item.0.invoiceID] = queues.count; queues.append([item]) }
        }
        var next = Array(repeating: 0, count: queues.count)
        while true {
            // The next update of each invoice this sender claims (the list was read before: a refusal may have
            // withdrawn one, a reversal of its invoice may be pending, or another sender may hold it; then it is not
            // sent now).
            var wave: [(queue: Int, pending: PendingCaseUpdate, update: CaseUpdate)] = []
            for q in queues.indices {
                while next[q] < queues[q].count {
                    var (u, update) = queues[q][next[q]]
                    next[q] += 1
                    guard try store.claimCaseUpdate(u.id, by: claimant) else { continue }
                    if let earlier = try store.caseUpdateWireKey(u.id) { update.idempotencyKey = earlier }
                    wave.append((q, u, update))
                    break
                }
            }
            guard !wave.isEmpty else { return }
            let errors = connector.send(sideBySide: wave.map(\.update))
            var confirmed: [Int64] = []
            var down = false
            for (item, error) in zip(wave, errors) {
                guard let error else { confirmed.append(item.pending.id); continue }
                next[item.queue] = queues[item.queue].count
                if case let ConnectorError.refused(c, action, status, message) = error {
                    try refused(item.pending, connector: c, action: action, status: status, message: message, into: &result)
                } else {
                    try failed(item.pending, error: PersonalData.mask("\(error)"), connector: connector, into: &result)
                    down = true
                }
            }
            result.released += try store.markCaseUpdatesSent(confirmed)
            result.sent += confirmed.count
            if down { return }
        }
    }

    /// A definitive refusal: the update is marked refused (its invoice goes to manual, what it booked is reversed).
    func refused(_ u: PendingCaseUpdate, connector c: String, action: String, status: Int, message: String, into result: inout Result) throws {
        let end = try store.markCaseUpdateRefused(u.id, error: "HTTP \(status): \(PersonalData.mask(message))")
        if case let .sentToManual(id, _) = end { result.toManual.append(id) }
        logger.error("case update refused by the case system; its invoice is not booked and waits in the manual queue", metadata: ["connector": "\(c)", "action": "\(action)", "invoice": "\(u.invoiceID)", "status": "\(status)", "message": "\(PersonalData.mask(message))", "compensation": "\(u.compensates != nil)"])
    }

    /// A connector's updates sent as one (the files connector: one write, one sync) and marked sent in one
    /// transaction; on failure they all stay pending and are retried together.
    func sendTogether(_ ready: [(PendingCaseUpdate, CaseUpdate)], to connector: Connector, claimant: String, into result: inout Result) throws {
        let claimed = try store.claimCaseUpdates(ready.map(\.0.id), by: claimant)
        let ready = ready.filter { claimed.contains($0.0.id) }
        guard !ready.isEmpty else { return }
        do {
            try connector.send(all: ready.map(\.1))
            result.released += try store.markCaseUpdatesSent(ready.map(\.0.id))
            result.sent += ready.count
        } catch {
            for (u, _) in ready { try failed(u, error: PersonalData.mask("\(error)"), connector: connector, into: &result) }
        }
    }

    /// A system failure: the update is tried again when the policy says, or given up at the deadline (a compensating
    /// update never is: it is retried at the longest interval until the case system takes it).
    func failed(_ u: PendingCaseUpdate, error: String, connector: Connector?, into result: inout Result) throws {
        let now = policy.now()
        let since = u.failingSince.flatMap(Timestamp.date) ?? now
        switch policy.next(waitingSince: since, notBefore: connector?.notBefore) {
        case let .retry(at):
            try store.markCaseUpdateFailed(u.id, error: error, retryAt: Timestamp.string(at), now: Timestamp.string(now))
            logger.warning("case update not sent; will retry with the same idempotency key", metadata: ["connector": "\(u.connector)", "invoice": "\(u.invoiceID)", "retry_at": "\(Timestamp.string(at))", "error": "\(error)"])
        case .giveUp where u.compensates != nil:
            try store.markCaseUpdateFailed(u.id, error: error, retryAt: Timestamp.string(now.addingTimeInterval(policy.maxSeconds)), now: Timestamp.string(now))
            logger.error("a compensating case update is still not taken; retrying (see `bilag report check`)", metadata: ["connector": "\(u.connector)", "invoice": "\(u.invoiceID)", "error": "\(error)"])
        case .giveUp:
            let end = try store.giveUpCaseUpdate(u.id, error: error)
            if case let .sentToManual(id, _) = end { result.toManual.append(id) }
            logger.error("case update given up at the case-system deadline; its invoice waits in the manual queue", metadata: ["connector": "\(u.connector)", "invoice": "\(u.invoiceID)", "error": "\(error)"])
        }
    }
}

/// Told when case updates were queued (a batch committed them): the daemon's service wakes (without one they are sent
/// at once: `RobotDecider.caseUpdatesQueued`).
public protocol CaseUpdateFlushing: Sendable {
    func caseUpdatesQueued()
}

extension Sequence where Element: Hashable {
    /// The elements in order of first appearance, each once.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
