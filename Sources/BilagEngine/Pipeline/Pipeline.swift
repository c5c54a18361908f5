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
/// and its bookings handed to the Outbox writers. A crash anywhere leaves every file in one known state, and `recover`
/// finishes what was in hand.
// @unchecked: `config` and `decider` change only in `reload`, on the pipeline's queue between passes; the threads a pass
// starts (claiming, examination) read only what the pass hands them and are joined before it returns.
public final class Pipeline: @unchecked Sendable {
    public private(set) var config: BilagConfig
    public let store: Store
    let claimer: Claimer
    /// The writers bookings are written out by (`outbox:` in bilag.yaml).
    public let outbox: Outbox
    /// Told after each commit that booked something: the Outbox service in the daemon; otherwise the Outbox is
    /// flushed at once (set before the pipeline runs).
    public var flushing: any OutboxFlushing
    let examiner = Examiner()
    let workerPool: WorkerPool
    /// Held around each batch's routing, decisions and commit, so an operator's command deciding in another process
    /// (`queue retry`) never decides on the same history at the same moment.
    let decideLock: StateLock
    public var decider: Decider
    /// When an invoice waiting for a case system is tried again, and when it is given up (from `case_systems:`).
    public var retryPolicy: RetryPolicy
    let logger: Logger
    /// Beaten as intake makes progress; the watchdog pings only while it does.
    public let heartbeat = Heartbeat()
    /// When files with a future modification time were first seen (their quiet period counts from then).
    let firstSeen = FirstSeen()
    /// Where committed batches' log lines are written, in order, off the committing thread.
    let logQueue = DispatchQueue(label: "bilag.pipeline.log")
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
        outbox = try Outbox(outbox: config.outboxPath, settings: config.outboxWriters, root: config.root, stateDirectory: config.statePath)
        flushing = FlushAtOnce(outbox: outbox, store: store) { [logger] error in
            logger.error("booked, but the Outbox could not be written now; it is written at the next flush", metadata: ["error": "\(error)"])
        }
        decideLock = try StateLock.decisionLock(stateDirectory: config.statePath)
        self.decider = decider
        retryPolicy = RetryPolicy(config)
        self.logger = logger
        workerPool = WorkerPool(threads: config.effectiveWorkers, name: "bilag-examine", nice: config.workersNice)
    }

    deinit { workerPool.close() }

    /// Takes a reloaded configuration. Intake, robot and pre-control settings apply from the next pass; the
    /// settings a reload cannot apply (`BilagConfig.settingsNeedingRestart`) keep their running values, named in one
    /// warning.
    public func reload(_ new: BilagConfig) throws {
        let restart = config.settingsNeedingRestart(new)
        if !restart.isEmpty {
            logger.warning("changed settings need a restart to take effect; the running values stay until then", metadata: ["settings": "\(restart.joined(separator: ", "))"])
        }
        var next = new
        next.root = config.root
        next.state = config.state
        next.workers = config.workers
        next.workersNice = config.workersNice
        next.journalMaxLinesPerFile = config.journalMaxLinesPerFile
        next.outboxWritersSetting = config.outboxWritersSetting
        next.logLevel = config.logLevel
        claimer.maxFileBytes = next.maxFileBytes
        config = next
        retryPolicy = RetryPolicy(next, now: retryPolicy.now)
        decider.reload(next)
    }

    // MARK: passes

    /// Finishes work a stop or crash left in hand: claims not yet recorded, invoices not yet decided, bookings not yet
    /// written to the Outbox.
    public func recover() throws {
        // (`bilag run` has checked, before this, that the store is not behind its Outbox: `StoreCheck`.)
        try recoverClaims()
        let n = try finishUnfinished()
        if n > 0 { logger.notice("finished invoices left undecided or waiting", metadata: ["count": "\(n)"]) }
        try outbox.reconcile(with: store)
        // Written by whoever writes the Outbox (a file that cannot be written now does not stop intake).
        try bookingsCommitted()
    }

    /// Says that bookings were committed, so the Outbox writes them (the service wakes, or they are written now).
    public func bookingsCommitted() throws { try flushing.bookingsCommitted() }

    /// Records files the intent log names that were moved into the state folder but never recorded (a crash or a
    /// failed pass in between), then empties the log. Cheap when the log is empty, as it is after every good pass.
    func recoverClaims() throws {
        // Every pass asks: one stat when the log is empty, not a stat here and another in `clearLog`.
        guard claimer.hasIntents else { return }
        var lost = try claimer.recoverUnrecorded(isRecorded: store.existingIDs)
        if !lost.isEmpty {
            logger.notice("recovering claimed files that were not recorded", metadata: ["count": "\(lost.count)"])
            // Hashed in pieces, not held: the bytes are read again, within the memory budget, when they are decided.
            for i in lost.indices { claimer.load(&lost[i], keepBytes: false); heartbeat.beat() }
            try store.recordClaims(lost.map(Self.record))
        }
        claimer.clearLog()
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
    ///
    /// Every kept original is checked against the hash recorded when it was claimed: changed bytes are quarantined
    /// (`original-changed`), never decided on. The files are read and decided in groups that fit the memory budget.
    public func finish(_ records: [InvoiceRecord]) throws {
        defer { flushLog() }
        var group: [ClaimedFile] = []
        var groupBytes: Int64 = 0
        for r in records {
            var f = ClaimedFile(id: r.id, channel: r.channel, sourcePath: r.sourcePath, storedPath: r.storedPath, receivedAt: r.receivedAt, size: r.size, sha256: r.sha256)
            f.takenUpAgain = true
            try claimer.load(&f, verifying: r.sha256) { size in
                if !group.isEmpty, groupBytes + size > config.maxBytesInFlight {
                    try decideAndCommit(group)
                    group = []; groupBytes = 0
                }
                groupBytes += size
            }
            // Read for the first time (it could not be read when claimed): its hash and size are recorded now, before
            // it is decided, so every later read is checked against them and the duplicate check and the booking
            // carry them.
            if r.sha256.isEmpty, !f.sha256.isEmpty { try store.recordFirstRead(r.id, sha256: f.sha256, size: f.size) }
            group.append(f)
            heartbeat.beat()
        }
        try decideAndCommit(group)
    }

    /// The invoice a kept original holds, read and parsed again (an operator's approval gives its booking the
    /// invoice's VAT breakdown, payment means and supplier ids); nil when the original is gone, changed or unparsable.
    public func parsedInvoice(_ r: InvoiceRecord) -> Invoice? {
        var f = ClaimedFile(id: r.id, channel: r.channel, sourcePath: r.sourcePath, storedPath: r.storedPath, receivedAt: r.receivedAt, size: r.size, sha256: r.sha256)
        claimer.load(&f, verifying: r.sha256)
        guard case let .parsed(doc, _) = ExaminingBatch([f], pipeline: self, askAhead: false).results().first?.result else { return nil }
        return doc.invoice
    }

    /// Scans the Inbox once and processes every ready file, batch by batch. Returns how many were processed.
    /// `shouldStop` is asked between batches, so a stop request finishes the batches already claimed and no more.
    @discardableResult
    public func pass(shouldStop: () -> Bool = { false }) throws -> Int {
        // The thread that runs a pass commits it: named so for the system while it does (`top -H`, `ps -L`).
        try ThreadName.during("bilag-commit") { try claimExamineAndCommit(shouldStop: shouldStop) }
    }

    private func claimExamineAndCommit(shouldStop: () -> Bool) throws -> Int {
        defer { flushLog() }
        let log = logger, unclaimable = claimer.unclaimable
        let scanner = InboxScanner(inbox: config.inboxPath, channels: config.channels, defaultReadiness: config.defaultReadiness, firstSeen: firstSeen,
                                   guarded: [config.statePath, config.outboxPath], onFolder: { path, raw, error in
            guard let error else { return unclaimable.drop(claimed: [path]) }
            if unclaimable.note(path, raw: raw, error: error, now: Date()) {
                log.warning("cannot read a folder in the Inbox; the files in it cannot be claimed", metadata: ["folder": "\(path)", "error": "\(error)"])
            }
        }, onFutureModificationTime: { path, mtime in
            log.warning("file modified in the future; its quiet period counts from when it was first seen", metadata: ["file": "\(path)", "mtime": "\(Timestamp.string(mtime))"])
        }, leftoverAfter: Double(config.unfinishedDeliveryMinutes) * 60, onUnfinishedDelivery: { path, raw, unchangedSince in
            guard let since = unchangedSince else { return unclaimable.drop(claimed: [path]) }   // being written again after all
            let why = "an unfinished delivery (a name senders give a file while writing it), unchanged since \(Timestamp.string(since)): its sender stopped half-way; "
                + "have the invoice delivered again, then remove this file (bilag never takes a file by such a name)"
            if unclaimable.note(path, raw: raw, error: why, now: Date()) {
                log.warning("an unfinished delivery has lain unchanged in the Inbox; its sender may have stopped half-way", metadata: ["file": "\(path)", "since": "\(Timestamp.string(since))"])
            }
        })
        let iterator = scanner.makeIterator()
        claimer.unclaimable.dropVanished(inbox: config.inboxPath)
        let budget = ByteBudget(limit: config.maxBytesInFlight)
        decider.refresh()
        // A pass that failed left its unrecorded claims in the intent log; record them before this pass adds its own
        // (a good pass empties the log at its end).
        try recoverClaims()
        var total = try finishUnfinished()
        // Three stages overlap, each keeping the order of the batches:
        //   claim   — a thread: atomic renames into the state folder (intents on disk first), then read and hash
        //             each file;
        //   examine — the worker pool: parse and validate;
        //   commit  — this thread, the only one that writes to the database: records each claimed batch before any
        //             work on it, and routes, decides and commits the examined ones in claim order.
        // A claimed batch is recorded in the same transaction (one sync) as the outcomes of the batch claimed `depth`
        // batches before it, and only then handed to the workers; so `depth` batches are examined while one commits.
        // Parsing and validating are pure, so running them early changes nothing but the time. Hand-overs are
        // bounded, which keeps memory flat.
        total += try withoutActuallyEscaping(shouldStop) { shouldStop -> Int in
            let claimed = BatchHandoff<[ClaimedFile]>(capacity: 2)
            let batchSize = config.batchSize
            let claiming = BackgroundJob(name: "bilag-claim") { () throws -> Void in
                defer { claimed.finish() }
                // The first batches are small, so the workers start on the first files while later ones are claimed
                // (a full first batch is claimed, read and recorded with every other thread idle): 32, 64, 128, …
                var size = min(batchSize, 32)
                while !shouldStop() {
                    var candidates: [InboxCandidate] = []
                    candidates.reserveCapacity(size)
                    while candidates.count < size, let c = iterator.next() { candidates.append(c) }
                    size = min(batchSize, size * 2)
                    if candidates.isEmpty { return }
                    let result = try self.claimer.claim(candidates)
                    self.heartbeat.beat()
                    for u in result.newlyUnclaimable {
                        self.logger.warning("cannot claim a file; it stays in the Inbox, and the files after it are claimed", metadata: ["file": "\(u.path)", "error": "\(u.error)"])
                    }
                    if result.files.isEmpty { continue }
                    // Read within the memory budget: when the next file does not fit, the files read so far are
                    // handed on first (their bytes come back as they are examined), then the read waits for room.
                    var ready: [ClaimedFile] = []
                    for var file in result.files {
                        self.firstSeen.forget(file.sourcePath)
                        var reserved: Int64 = 0
                        var handedOn = true
                        self.claimer.load(&file) { size in
                            reserved = size
                            if !budget.tryAcquire(size) {
                                if !ready.isEmpty { handedOn = claimed.put(ready); ready = [] }
                                if handedOn { budget.acquire(size) } else { reserved = 0 }
                            }
                        }
                        // Refused only when the committing side failed: the claims stay in the intent log for `recover`.
                        guard handedOn else { return }
                        // What was reserved but not kept (a read that failed, changed bytes) goes back at once.
                        budget.release(reserved - Int64(file.bytes?.count ?? 0))
                        ready.append(file)
                        self.heartbeat.beat()
                    }
                    guard claimed.put(ready) else { return }
                }
            }
            let depth = 3
            var examining: [ExaminingBatch] = []
            var claimingDone = false
            var committed = 0
            // Once the Inbox is empty after a long pass, the log is copied into the database while the last batches
            // are examined, so the end of `--once` (or a stop) has little left to copy. (After the pass, what these
            // last batches commit is copied too.)
            var copyRequested = false
            func inboxEmptied() {
                guard committed >= batchSize, !copyRequested else { return }
                copyRequested = true
                store.copyLogSoon()
            }
            var failure: Error?
            do {
                while true {
                    // Fill the pipeline: record claimed batches on their own until `depth` are being examined.
                    while examining.count < depth, !claimingDone {
                        guard let files = claimed.take() else { claimingDone = true; inboxEmptied(); break }
                        try store.recordClaims(files.map(Self.record))
                        examining.append(ExaminingBatch(files, pipeline: self, budget: budget))
                    }
                    guard !examining.isEmpty else { break }
                    let batch = examining.removeFirst()
                    // The next claimed batch, if one is ready, to record along with this one's outcomes (a commit
                    // never waits for a claim: a slow one, a huge file hashed from disk, is recorded on its own).
                    var next: [ClaimedFile]?
                    if !claimingDone {
                        switch claimed.poll() {
                        case let .item(files): next = files
                        case .empty: break
                        case .finished: claimingDone = true; inboxEmptied()
                        }
                    }
                    committed += try commit(batch, recording: next ?? [])
                    heartbeat.beat()
                    if let next { examining.append(ExaminingBatch(next, pipeline: self, budget: budget)) }
                }
            } catch {
                failure = error
                claimed.cancel()
                budget.cancel()
            }
            // Also when a commit failed: never leave a claim half done behind us.
            let claimResult = claiming.wait()
            if failure == nil, case .success = claimResult {
                // Every claim of this pass is recorded: the intents have done their work.
                claimer.clearLog()
            }
            if let failure { throw failure }
            try claimResult.get()
            return committed
        }
        // And what the last batches committed: while the daemon waits, the database file alone is up to date.
        if total > 0 { store.copyLogSoon() }
        return total
    }

    /// A closure run on a thread of its own, waited for once.
    ///
    /// The closure is released before `wait` returns, so it may capture a non-escaping one (`withoutActuallyEscaping`).
    /// `@unchecked`: `body` and `result` are written by the job's one thread before `done.leave()`, read after `done.wait()`.
    final class BackgroundJob<T>: @unchecked Sendable {
        private var body: (() throws -> T)?
        private var result: Result<T, Error>?
        private let done = DispatchGroup()

        init(name: String, _ body: @escaping () throws -> T) {
            self.body = body
            done.enter()
            ThreadName.start(name) { [self] in run() }
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
        let all = InboxScanner(inbox: config.inboxPath, channels: [:], defaultReadiness: .rename, guarded: [config.statePath, config.outboxPath])
        for c in all where !claimer.unclaimable.contains(c.relativePath) {
            let rule = config.channels[c.channel]?.readiness ?? config.defaultReadiness
            if case .quiet = rule { return true }
        }
        return false
    }

    // MARK: one batch

    /// A claimed and recorded batch being parsed and validated by the examination workers.
    /// `@unchecked`: each slot is written by one worker before `done` is left and read only after `done.wait()`.
    final class ExaminingBatch: @unchecked Sendable {
        let files: [ClaimedFile]
        /// One slot per file, each written by exactly one worker before `done` is left, read only after `done.wait()`.
        private let slots: UnsafeMutablePointer<Examination?>
        /// The bytes of each file, taken by the worker that examines it, freed as soon as it has.
        private let inputs: UnsafeMutablePointer<Data?>
        private let done = DispatchGroup()

        /// `budget`: where the bytes of each file are given back once it is examined and they are freed.
        /// `askAhead`: a valid invoice's lookups to slow case systems are asked once it is examined (`Decider.prepare`),
        /// and the batch is done when their answers are in: lookups off the committing thread, many in flight at once.
        init(_ files: [ClaimedFile], pipeline: Pipeline, budget: ByteBudget? = nil, askAhead: Bool = true) {
            // The bytes are needed only until a file is examined: each worker takes a file's bytes out of `inputs`
            // and frees them when done with it; this batch keeps the files without them for the committing thread.
            let stripped = files.map { var f = $0; f.bytes = nil; return f }
            self.files = stripped
            slots = .allocate(capacity: max(1, files.count))
            slots.initialize(repeating: nil, count: files.count)
            inputs = .allocate(capacity: max(1, files.count))
            inputs.initialize(from: files.map(\.bytes), count: files.count)
            let examiner = pipeline.examiner, pool = pipeline.workerPool, encoder = pipeline.encoder, slots = self.slots, inputs = self.inputs
            let decider: Decider? = askAhead ? pipeline.decider : nil
            // Chunks small enough that the workers finish together, large enough that handing out costs nothing.
            let chunk = max(1, min(32, files.count / (pool.width * 4)))
            for start in stride(from: 0, to: files.count, by: chunk) {
                done.enter()
                pool.submit { [done] in
                    for i in start..<min(stripped.count, start + chunk) {
                        var file = stripped[i]
                        file.bytes = inputs[i].take()
                        let n = Int64(file.bytes?.count ?? 0)
                        slots[i] = Examination(examiner.examine(file), encoder: encoder)
                        file.bytes = nil
                        budget?.release(n)
                        if let decider, case let .parsed(doc, report)? = slots[i]?.result, report.isValid {
                            var input = DecisionInput(invoiceID: file.id, channel: file.channel, invoice: doc.invoice, validation: report, takenUpAgain: file.takenUpAgain)
                            input.prework = decider.prework(input)
                            slots[i]?.prework = input.prework
                            // Decided here, while the commit works on earlier batches; the commit confirms it or decides again.
                            if let ahead = decider.decideAhead(input) { slots[i]?.decidedAhead = ahead; continue }
                            done.enter()
                            // Written once, before `done` is left; read only after `done.wait()`.
                            nonisolated(unsafe) let slots = slots
                            decider.prepare(input) { lookups in
                                slots[i]?.lookups = lookups
                                done.leave()
                            }
                        }
                    }
                    done.leave()
                }
            }
        }

        deinit {
            done.wait()
            slots.deinitialize(count: files.count)
            slots.deallocate()
            inputs.deinitialize(count: files.count)
            inputs.deallocate()
        }

        /// Waits for the examination to finish and hands over the results (moved out: called once).
        func results() -> [Examination] {
            done.wait()
            return (0..<files.count).map { slots[$0].take()! }
        }
    }

    /// Routes, decides and commits a batch once its examination is done, recording `claims` (the next claimed batch)
    /// in the same transaction; returns how many files the examined batch held.
    func commit(_ batch: ExaminingBatch, recording claims: [ClaimedFile] = []) throws -> Int {
        guard !batch.files.isEmpty else {
            try store.recordClaims(claims.map(Self.record))
            return 0
        }
        let results = batch.results()
        try commit(batch.files, results, recording: claims.map(Self.record))
        // The parsed invoices are freed on a worker, which has time to spare, rather than on this thread, which every
        // batch passes through: the worker holds the last reference once this function has returned.
        workerPool.submitFirst { [results] in withExtendedLifetime(results) {} }
        return batch.files.count
    }

    static func record(_ f: ClaimedFile) -> ClaimRecord {
        ClaimRecord(id: f.id, channel: f.channel, sourcePath: f.sourcePath, storedPath: f.storedPath, sha256: f.sha256, size: f.size, receivedAt: f.receivedAt)
    }

    /// Examines in parallel, then routes, decides and commits in order.
    func decideAndCommit(_ files: [ClaimedFile]) throws {
        try commit(files, examineAll(files))
    }

    /// Routes, decides and commits examined files in order: the duplicate look-ups of the batch in one read,
    /// the outcomes (and the `recording` claims of a later batch) in one transaction, then the Outbox is told.
    func commit(_ files: [ClaimedFile], _ examined: [Examination], recording: [ClaimRecord] = []) throws {
        // Under the lock too: forgetting the batch's history cache and sending its case updates, so the next decision
        // anywhere sees what this batch booked.
        let (outcomes, refused) = try decideLock.holding {
            defer { decider.batchCommitted() }
            return try decideAndApply(files, examined, recording: recording)
        }
        // The log lines of a committed batch are written on a serial queue of their own, in order: this thread
        // goes on with the next batch, and the outcomes are freed there. Public entry points wait for it (`flushLog`).
        logQueue.async { [logger, outcomes] in
            JSONLogHandler.batch {
                for o in outcomes {
                    if refused.contains(o.invoiceID) {
                        logger.notice("already decided elsewhere; this decision was dropped", metadata: ["invoice": "\(o.invoiceID)"])
                    } else {
                        Self.log(o, to: logger)
                    }
                }
            }
        }
        if outcomes.contains(where: { $0.state == .booked }) { try bookingsCommitted() }
    }

    /// Routes and decides a batch and applies the outcomes in one transaction; returns them and the ids refused
    /// because another process decided them meanwhile. Called with the decision lock held.
    func decideAndApply(_ files: [ClaimedFile], _ examined: [Examination], recording: [ClaimRecord]) throws -> ([Outcome], Set<String>) {
        var router = Router(store: store)
        var probes: [Store.DuplicateProbe] = []
        probes.reserveCapacity(files.count)
        for (file, e) in zip(files, examined) {
            if case .parsed = e.result { probes.append(Store.DuplicateProbe(id: file.id, sha256: file.sha256, businessKey: e.businessKey)) }
        }
        try router.prefetch(probes)
        // Decided in business order (issue date, then period start; claim order among equals), so a robot's history
        // sees October before December whatever order the files arrived or were claimed in. They are stored in that
        // order too, so the order of their decision records is the order they were decided in (a replay's "decided
        // before this one" is then the same as the live decision's). The outcomes returned keep claim order.
        let order = Self.businessOrder(examined)
        var decided: [Outcome?] = Array(repeating: nil, count: files.count)
        var bookings = BatchBookings()
        // The batch's history asks read one snapshot (nothing else decides meanwhile: `decideLock`), ended before apply.
        try store.historyFromOneSnapshot {
            for i in order {
                let o = try outcome(for: files[i], examined[i], router: &router, batch: bookings)
                if o.state == .booked, let b = o.booked { bookings.add(b) }
                decided[i] = o
            }
        }
        let outcomes = decided.map { $0! }
        // Refused: another process (an operator's re-run) decided the invoice meanwhile; its outcome stands.
        let refused = Set(try store.apply(order.map { outcomes[$0] }, recording: recording))
        return (outcomes, refused)
    }

    /// The indices of a batch in business order: by issue date, then invoicing period start, then claim order;
    /// what did not parse keeps its place at the end of that order.
    static func businessOrder(_ examined: [Examination]) -> [Int] {
        let keys: [(String, String)] = examined.map { e in
            guard case let .parsed(doc, _) = e.result else { return ("~", "") }
            return (doc.invoice.issueDate?.description ?? "~", doc.invoice.invoicingPeriod?.startDate?.description ?? "")
        }
        return examined.indices.sorted { a, b in (keys[a].0, keys[a].1, a) < (keys[b].0, keys[b].1, b) }
    }

    /// A case system is down: the invoice stays `received` and is tried again when `retryPolicy` says, until its
    /// deadline sends it to manual with reason `case-system-unavailable`.
    func waitOutcome(_ file: ClaimedFile, connector: String, message: String, notBefore: Date?, actor: String) throws -> Outcome {
        let since = try store.waitingSince(file.id).flatMap(Timestamp.date) ?? retryPolicy.now()
        switch retryPolicy.next(waitingSince: since, notBefore: notBefore) {
        case .giveUp:
            return Outcome(invoiceID: file.id, state: .manual, reasonCode: ReasonCode.caseSystemUnavailable,
                           reasonMessage: "case system \(connector) has not answered since \(Timestamp.string(since)): \(message)", actor: actor, action: "decided")
        case let .retry(at):
            var o = Outcome(invoiceID: file.id, state: .received, reasonCode: "waiting-for-\(connector)", reasonMessage: "waiting for case system \(connector) since \(Timestamp.string(since)), last error: \(message)", actor: actor, action: "waiting")
            o.retryAt = Timestamp.string(at)
            return o
        }
    }

    /// The checks before booking an invoice bilag pays (`PaymentGuard`): none without a payments writer.
    var paymentGuard: PaymentGuard { PaymentGuard(settings: outbox.payments?.settings, store: store) }
    var layoutGuard: LayoutGuard { LayoutGuard(outbox: outbox) }

    func examineAll(_ files: [ClaimedFile]) -> [Examination] {
        files.isEmpty ? [] : ExaminingBatch(files, pipeline: self).results()
    }

    /// `batch`: the bookings decided before this invoice in its batch (the payment guard counts them).
    func outcome(for file: ClaimedFile, _ examined: Examination, router: inout Router, batch: BatchBookings) throws -> Outcome {
        switch examined.result {
        case let .quarantine(code, message):
            return Outcome(invoiceID: file.id, state: .quarantined, reasonCode: code, reasonMessage: message, actor: "system", action: "quarantined")
        case let .parsed(doc, report):
            var o: Outcome
            var trace = examined.steps
            if let routed = router.route(id: file.id, sha256: file.sha256, businessKey: examined.businessKey, issueDateHold: examined.issueDateHold, report: report) {
                trace.append(TraceStep(step: "route", result: routed.reason))
                o = Outcome(invoiceID: file.id, state: .manual, reasonCode: routed.reason, reasonMessage: routed.message, actor: "system", action: "decided")
                o.duplicateOf = routed.duplicateOf
            } else {
                var stopped = false
                var input = DecisionInput(invoiceID: file.id, channel: file.channel, invoice: doc.invoice, validation: report, takenUpAgain: file.takenUpAgain)
                input.lookups = examined.lookups
                input.decidedAhead = examined.decidedAhead
                input.prework = examined.prework
                let record = decider.decide(input)
                trace.append(contentsOf: record.trace)
                switch record.decision {
                case let .book(booking):
                    o = Outcome(invoiceID: file.id, state: .booked, actor: record.actor, action: "booked")
                    o.booked = BookedInvoice(id: file.id, sha256: file.sha256, summary: examined.summary, booking: booking, bookedBy: record.actor,
                                             robot: record.decisions.first { $0.mode == "live" }, invoice: doc.invoice)
                    stopped = try paymentGuard.stopIfUnpayable(&o, trace: &trace, batch: batch)
                    if !stopped { stopped = layoutGuard.stopIfUnwritable(&o, trace: &trace) }
                case let .manual(reason, message):
                    o = Outcome(invoiceID: file.id, state: .manual, reasonCode: reason, reasonMessage: message, actor: record.actor, action: "decided")
                case let .wait(connector, message, notBefore):
                    o = try waitOutcome(file, connector: connector, message: message, notBefore: notBefore, actor: record.actor)
                }
                o.decisions = record.decisions
                o.caseUpdates = stopped ? [] : record.caseUpdates
            }
            o.summary = examined.summary
            o.validationJSON = examined.validationJSON
            // The trace begins with the examination's steps, written on the worker (`Examination.stepsWritten`).
            o.trace = try TraceStep.text(trace, encoder: encoder, first: examined.stepsWritten)
            return o
        }
    }

    /// Waits until the log lines of every committed batch are written.
    func flushLog() { logQueue.sync {} }

    static func log(_ o: Outcome, to logger: Logger) {
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
