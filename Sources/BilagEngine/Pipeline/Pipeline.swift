import BilagCore
import BilagFormats
import BilagIntake
import BilagOutbox
import BilagRobots
import BilagStore
import BilagValidation
import Foundation
import Logging

/// intake → parse → validate → route → decide → book/queue → outbox, one batch at a time.
///
/// A batch is claimed (atomic renames), recorded, examined in parallel, decided, committed in one transaction,
/// and its bookings written to the journal. A crash anywhere leaves every file in one known state, and `recover`
/// finishes what was in hand.
public final class Pipeline: @unchecked Sendable {
    public private(set) var config: BilagConfig
    public let store: Store
    let claimer: Claimer
    let journal: JournalWriter
    let examiner = Examiner()
    let workerPool: WorkerPool
    public var decider: Decider
    let logger: Logger
    let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    public init(config: BilagConfig, decider: Decider = NoRobotDecider(), logger: Logger = Logger(label: "bilag.pipeline")) throws {
        self.config = config
        for dir in [config.inboxPath, config.outboxPath, config.statePath] { try FileIO.makeDirectory(dir) }
        store = try Store(path: config.databasePath)
        claimer = try Claimer(stateDirectory: config.statePath, maxFileBytes: config.maxFileBytes)
        journal = try JournalWriter(outbox: config.outboxPath, maxLinesPerFile: config.journalMaxLinesPerFile)
        self.decider = decider
        self.logger = logger
        workerPool = WorkerPool(threads: config.effectiveWorkers, name: "bilag-examine")
    }

    deinit { workerPool.close() }

    /// Takes a reloaded configuration. Intake settings apply from the next pass; root and state need a restart.
    public func reload(_ new: BilagConfig) throws {
        if new.root != config.root || new.statePath != config.statePath {
            logger.warning("root and state folder changes need a restart; keeping the current ones")
        }
        if new.effectiveWorkers != workerPool.width {
            logger.warning("a change of workers needs a restart; keeping the current examination threads", metadata: ["workers": "\(workerPool.width)"])
        }
        var next = new
        next.root = config.root
        next.state = config.state
        claimer.maxFileBytes = next.maxFileBytes
        config = next
        decider.reload(next)
    }

    // MARK: passes

    /// Finishes work a stop or crash left in hand: claims not yet recorded, invoices not yet decided, journal lines not yet written.
    public func recover() throws {
        var lost = try claimer.recoverUnrecorded(isRecorded: store.existingIDs)
        if !lost.isEmpty {
            logger.notice("recovering claimed files that were not recorded", metadata: ["count": "\(lost.count)"])
            loadAll(&lost)
            try store.recordClaims(lost.map(Self.record))
        }
        claimer.clearLog()
        let n = try finishUnfinished()
        if n > 0 { logger.notice("finished invoices left undecided or waiting", metadata: ["count": "\(n)"]) }
        try journal.reconcile(with: store)
        try journal.flush(store)
    }

    /// Decides every invoice still `received` whose time has come: interrupted work, re-runs, and invoices
    /// waiting for a case system. Returns how many.
    @discardableResult
    public func finishUnfinished() throws -> Int {
        var total = 0
        var seen = Set<String>()
        while true {
            let open = try store.unfinished(limit: config.batchSize).filter { !seen.contains($0.id) }
            if open.isEmpty { break }
            for r in open { seen.insert(r.id) }
            try finish(open)
            total += open.count
        }
        return total
    }

    /// Decides these `received` invoices now, from their kept originals (an operator's re-run, or unfinished work).
    public func finish(_ records: [InvoiceRecord]) throws {
        var files = records.map { ClaimedFile(id: $0.id, channel: $0.channel, sourcePath: $0.sourcePath, storedPath: $0.storedPath, receivedAt: $0.receivedAt, size: $0.size, sha256: $0.sha256) }
        loadAll(&files)
        try decideAndCommit(files)
    }

    /// Scans the Inbox once and processes every ready file, batch by batch. Returns how many were processed.
    /// `shouldStop` is asked between batches, so a stop request finishes the batches already claimed and no more.
    @discardableResult
    public func pass(shouldStop: () -> Bool = { false }) throws -> Int {
        let scanner = InboxScanner(inbox: config.inboxPath, channels: config.channels, defaultReadiness: config.defaultReadiness)
        let iterator = scanner.makeIterator()
        decider.refresh()
        var total = try finishUnfinished()
        // Three stages overlap, each keeping its own order. The intake thread claims, reads and records batch after
        // batch and hands each to the examination workers as soon as it is recorded; this thread routes, decides
        // and commits them in the order they were claimed. Claims, records, decisions and commits happen in the
        // same order as one batch at a time; parsing and validating are pure, so running them early changes nothing
        // but the time. At most `handoff.capacity` batches wait between the two, which keeps memory flat.
        total += try withoutActuallyEscaping(shouldStop) { shouldStop -> Int in
            let handoff = BatchHandoff<ExaminingBatch>(capacity: 2)
            let batchSize = config.batchSize
            let intake = BackgroundJob { () throws -> Void in
                defer { handoff.finish() }
                while !shouldStop() {
                    var candidates: [InboxCandidate] = []
                    candidates.reserveCapacity(batchSize)
                    while candidates.count < batchSize, let c = iterator.next() { candidates.append(c) }
                    if candidates.isEmpty { return }
                    let files = try self.claimAndRecord(candidates)
                    if files.isEmpty { continue }
                    // Refused only when the committing side failed: the batch is recorded and stays `received`,
                    // so the next pass (or a restart) finishes it.
                    guard handoff.put(ExaminingBatch(files, pipeline: self)) else { return }
                }
            }
            var committed = 0
            var failure: Error?
            while let batch = handoff.take() {
                do { committed += try commit(batch) } catch { failure = error; handoff.cancel(); break }
            }
            let intakeResult = intake.wait() // also when a commit failed: never leave a claim half done behind us
            if let failure { throw failure }
            try intakeResult.get()
            return committed
        }
        return total
    }

    /// A closure run on a thread of its own, waited for once.
    ///
    /// The closure is released before `wait` returns, so it may capture a non-escaping one (`withoutActuallyEscaping`).
    final class BackgroundJob<T>: @unchecked Sendable {
        private var body: (() throws -> T)?
        private var result: Result<T, Error>?
        private let done = DispatchGroup()

        init(_ body: @escaping () throws -> T) {
            self.body = body
            done.enter()
            let t = Thread { [self] in run() }
            t.name = "bilag-intake"
            t.start()
        }

        private func run() {
            result = Result { try takeBody()() }
            done.leave()
        }

        private func takeBody() -> () throws -> T {
            defer { body = nil }
            return body!
        }

        func wait() -> Result<T, Error> {
            done.wait()
            return result!
        }
    }

    /// Runs passes until the Inbox holds nothing more that is ready (for `bilag run --once`), waiting out quiet periods.
    public func drain() throws -> Int {
        try recover()
        var total = 0
        while true {
            let n = try pass()
            total += n
            if n > 0 { continue }
            guard waitingNotReady() else { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return total
    }

    /// True while files sit in the Inbox that are not ready yet (still being written, or waiting for a receipt with a quiet period).
    func waitingNotReady() -> Bool {
        if case .quiet = config.defaultReadiness {} else if !config.channels.values.contains(where: { if case .quiet = $0.readiness { return true }; return false }) { return false }
        let all = InboxScanner(inbox: config.inboxPath, channels: [:], defaultReadiness: .rename)
        for c in all {
            let rule = config.channels[c.channel]?.readiness ?? config.defaultReadiness
            if case .quiet = rule { return true }
        }
        return false
    }

    // MARK: one batch

    /// Claims a batch (atomic renames), reads and hashes it, and records it in the database before any work on it.
    func claimAndRecord(_ candidates: [InboxCandidate]) throws -> [ClaimedFile] {
        var files = try claimer.claim(candidates)
        guard !files.isEmpty else { return [] }
        loadAll(&files)
        try store.recordClaims(files.map(Self.record))
        claimer.clearLog()
        return files
    }

    /// A claimed and recorded batch being parsed and validated by the examination workers.
    final class ExaminingBatch: @unchecked Sendable {
        let files: [ClaimedFile]
        /// One slot per file, each written by exactly one worker before `done` is left, read only after `done.wait()`.
        private let slots: UnsafeMutablePointer<Examiner.Result?>
        private let done = DispatchGroup()

        init(_ files: [ClaimedFile], pipeline: Pipeline) {
            self.files = files
            slots = .allocate(capacity: max(1, files.count))
            slots.initialize(repeating: nil, count: files.count)
            let examiner = pipeline.examiner, pool = pipeline.workerPool, slots = self.slots
            // Chunks small enough that the workers finish together, large enough that handing out costs nothing.
            let chunk = max(1, min(32, files.count / (pool.width * 4)))
            for start in stride(from: 0, to: files.count, by: chunk) {
                done.enter()
                pool.submit { [done] in
                    for i in start..<min(files.count, start + chunk) { slots[i] = examiner.examine(files[i]) }
                    done.leave()
                }
            }
        }

        deinit {
            done.wait()
            slots.deinitialize(count: files.count)
            slots.deallocate()
        }

        /// Waits for the examination to finish.
        func results() -> [Examiner.Result] {
            done.wait()
            return (0..<files.count).map { slots[$0]! }
        }
    }

    /// Routes, decides and commits a batch once its examination is done; returns how many files it held.
    func commit(_ batch: ExaminingBatch) throws -> Int {
        guard !batch.files.isEmpty else { return 0 }
        try commit(batch.files, batch.results())
        return batch.files.count
    }

    static func record(_ f: ClaimedFile) -> ClaimRecord {
        ClaimRecord(id: f.id, channel: f.channel, sourcePath: f.sourcePath, storedPath: f.storedPath, sha256: f.sha256, size: f.size, receivedAt: f.receivedAt)
    }

    /// Reads and hashes each file (on the intake thread: the examination workers have the cores).
    func loadAll(_ files: inout [ClaimedFile]) {
        for i in files.indices { claimer.load(&files[i]) }
    }

    /// Examines in parallel, then routes, decides and commits in order.
    func decideAndCommit(_ files: [ClaimedFile]) throws {
        try commit(files, examineAll(files))
    }

    /// Routes, decides and commits examined files in order: the duplicate look-ups of the batch in one read,
    /// the outcomes in one transaction, then the journal.
    func commit(_ files: [ClaimedFile], _ examined: [Examiner.Result]) throws {
        var router = Router(store: store)
        try router.prefetch(zip(files, examined).compactMap { file, result in
            if case let .parsed(doc, _) = result { return (file.id, file.sha256, doc.invoice) }
            return nil
        })
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(files.count)
        for (file, result) in zip(files, examined) {
            outcomes.append(try outcome(for: file, result, router: &router))
        }
        // Refused: another process (an operator's re-run) decided the invoice meanwhile; its outcome stands.
        let refused = Set(try store.apply(outcomes))
        for o in outcomes {
            if refused.contains(o.invoiceID) {
                logger.notice("already decided elsewhere; this decision was dropped", metadata: ["invoice": "\(o.invoiceID)"])
            } else {
                log(o)
            }
        }
        decider.batchCommitted()
        try journal.flush(store)
    }

    /// A case system is down: the invoice stays `received` and is tried again with exponential backoff, until the
    /// configured deadline sends it to manual with reason `case-system-unavailable`.
    func waitOutcome(_ file: ClaimedFile, connector: String, message: String, actor: String) throws -> Outcome {
        let since = try store.waitingSince(file.id).flatMap(Timestamp.date) ?? Date()
        let waited = Date().timeIntervalSince(since)
        if waited >= Double(config.caseSystemDeadlineSeconds) {
            return Outcome(invoiceID: file.id, state: .manual, reasonCode: ReasonCode.caseSystemUnavailable,
                           reasonMessage: "case system \(connector) has not answered since \(Timestamp.string(since)): \(message)", actor: actor, action: "decided")
        }
        let attempt = max(1.0, waited / Double(config.retryBaseSeconds))
        let delay = min(Double(config.retryMaxSeconds), Double(config.retryBaseSeconds) * pow(2, log2(attempt).rounded(.down))) * Double.random(in: 0.8...1.2)
        var o = Outcome(invoiceID: file.id, state: .received, reasonCode: "waiting-for-\(connector)", reasonMessage: "waiting for case system \(connector) since \(Timestamp.string(since)): \(message)", actor: actor, action: "waiting")
        o.retryAt = Timestamp.string(Date().addingTimeInterval(delay))
        return o
    }

    func examineAll(_ files: [ClaimedFile]) -> [Examiner.Result] {
        files.isEmpty ? [] : ExaminingBatch(files, pipeline: self).results()
    }

    func outcome(for file: ClaimedFile, _ result: Examiner.Result, router: inout Router) throws -> Outcome {
        switch result {
        case let .quarantine(code, message):
            return Outcome(invoiceID: file.id, state: .quarantined, reasonCode: code, reasonMessage: message, actor: "system", action: "quarantined")
        case let .parsed(doc, report):
            var o: Outcome
            var trace: [TraceStep] = [TraceStep(step: "parse", result: "\(doc.invoice.syntax.rawValue) \(doc.invoice.documentKind.rawValue), profile \(doc.invoice.profile.rawValue)"),
                                      TraceStep(step: "validate", result: report.isValid ? "valid" : "invalid", detail: "\(report.issues.count) issue(s) under \(report.ruleSet)")]
            if let routed = router.route(id: file.id, sha256: file.sha256, invoice: doc.invoice, report: report) {
                trace.append(TraceStep(step: "route", result: routed.reason))
                o = Outcome(invoiceID: file.id, state: .manual, reasonCode: routed.reason, reasonMessage: routed.message, actor: "system", action: "decided")
                o.duplicateOf = routed.duplicateOf
            } else {
                let record = decider.decide(DecisionInput(invoiceID: file.id, channel: file.channel, invoice: doc.invoice, validation: report))
                trace.append(contentsOf: record.trace)
                switch record.decision {
                case let .book(booking):
                    o = Outcome(invoiceID: file.id, state: .booked, actor: record.actor, action: "booked")
                    o.booking = booking
                case let .manual(reason, message):
                    o = Outcome(invoiceID: file.id, state: .manual, reasonCode: reason, reasonMessage: message, actor: record.actor, action: "decided")
                case let .wait(connector, message):
                    o = try waitOutcome(file, connector: connector, message: message, actor: record.actor)
                }
                o.decisions = record.decisions
                o.caseUpdates = record.caseUpdates
            }
            o.summary = InvoiceSummary(invoice: doc.invoice)
            if !report.issues.isEmpty { o.validationJSON = String(decoding: try encoder.encode(report), as: UTF8.self) }
            o.traceJSON = try TraceStep.json(trace, encoder: encoder)
            return o
        }
    }

    func log(_ o: Outcome) {
        var meta: Logger.Metadata = ["invoice": "\(o.invoiceID)", "state": "\(o.state.rawValue)", "actor": "\(o.actor)"]
        if let r = o.reasonCode { meta["reason"] = "\(r)" }
        switch o.state {
        case .quarantined: logger.warning("quarantined", metadata: meta)
        case .manual: logger.info("queued for manual handling", metadata: meta)
        case .booked: logger.info("booked", metadata: meta)
        case .received: logger.warning("waiting for a case system", metadata: meta)
        default: logger.info("decided", metadata: meta)
        }
    }
}
