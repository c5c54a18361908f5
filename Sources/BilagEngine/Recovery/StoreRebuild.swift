import BilagCore
import BilagIntake
import BilagOutbox
import BilagStore
import Foundation

/// `bilag store rebuild`: a new store from what cannot be rolled back — the journal files in the Outbox and the kept
/// originals — when the database was lost, emptied, or restored from a copy older than its Outbox.
///
/// The old database is moved aside, never deleted. Every kept original is recorded again and examined; an invoice
/// the journal holds is booked as the journal says, with its journal line, its sequence number and the robot's
/// history key; every other one goes to the manual queue (`store-rebuilt`), or is flagged a duplicate of a booked one,
/// or quarantined again — never booked or paid without a person. A journal line whose original is gone is still
/// restored, so the invoice is never paid again.
public struct StoreRebuild {
    public let config: BilagConfig

    public init(config: BilagConfig) { self.config = config }

    /// What the rebuild did.
    public struct Report: Encodable, Sendable {
        public var movedAside: [String] = []
        public var originals = 0
        public var booked = 0
        public var queued = 0
        public var quarantined = 0
        public var journalLines = 0
        /// Journal lines whose invoice has no kept original (restored from the line alone).
        public var withoutOriginal: [String] = []
        /// Invoices that stand in more than one journal line (the Outbox already holds them twice: reverse one in the ERP).
        public var doubleBookings: [String] = []
        /// Payment files adopted from the Outbox (their invoices stay paid).
        public var paymentFiles = 0
        /// Supplier accounts learnt again from the invoices those files paid (the fraud guard's known accounts);
        /// imported master data and operators' confirmations are not in the Outbox and must be imported again.
        public var payeeAccounts = 0
        /// Credit notes booked to be set off whose credit the Outbox cannot tell used or still held: checked by hand.
        public var creditNotes: [String] = []
        /// Invoices booked to be paid that are in no payment file the Outbox holds: their payments are blocked
        /// (`store-rebuilt`) until an operator checks them with the bank and releases or cancels each.
        public var unfiledPayments: [String] = []

        enum CodingKeys: String, CodingKey {
            case movedAside = "moved_aside", originals, booked, queued, quarantined, journalLines = "journal_lines", withoutOriginal = "without_original", doubleBookings = "double_bookings"
            case paymentFiles = "payment_files", payeeAccounts = "payee_accounts", creditNotes = "credit_notes", unfiledPayments = "unfiled_payments"
        }
    }

    /// The reason code of an invoice the rebuild could not place from the journal.
    public static let reason = "store-rebuilt"

    /// Moves the database aside and builds a new one. Call holding the run lock.
    public func run(now: Date = Date()) throws -> Report {
        var report = Report()
        let journal = try readJournal(&report)
        report.movedAside = try moveDatabaseAside(now: now)
        let pipeline = try Pipeline(config: config)
        try pipeline.rebuild(from: journal, into: &report)
        // Payment files already in the Outbox are the new store's: their invoices are never paid again.
        if let payments = pipeline.outbox.payments {
            let adopted = try payments.adopt(pipeline.store)
            report.paymentFiles = adopted.count
            try relearn(payments, adopted, journal, pipeline.store, &report)
            report.unfiledPayments = try pipeline.store.payments(state: "blocked").filter { $0.reason?.hasPrefix(PaymentFiles.storeRebuilt) == true }.map(\.invoiceID).sorted()
        }
        return report
    }

    /// The accounts the adopted payment files paid each supplier into, learnt again (a new store knows none, and the
    /// fraud guard would take any account of a known supplier as a new supplier's first); and the credit notes whose
    /// credit the Outbox cannot account for, listed.
    func relearn(_ payments: PaymentFiles, _ adopted: [PaymentManifest], _ journal: [String: (line: JournalLine, raw: Store.RestoredJournalLine)], _ store: Store, _ report: inout Report) throws {
        let paid = Set(adopted.flatMap { $0.payments.map(\.invoiceID) })
        var learnt: [PayeeAccountRecord] = []
        for id in paid.sorted() {
            guard let b = journal[id]?.line.booked, let supplier = b.supplierKey, b.documentKind == .invoice,
                  case let .success(i) = PayeeInstruction.of(b, country: payments.settings.country) else { continue }
            learnt.append(PayeeAccountRecord(supplierKey: supplier, accountKey: i.accountKey, label: i.label, source: "paid", firstSeen: b.bookedAt, invoiceID: id))
        }
        if !learnt.isEmpty {
            try store.addPayeeAccounts(learnt, actor: "system", action: "payee-accounts-relearnt", subject: "store rebuild", detail: "{\"accounts\":\(learnt.count)}")
        }
        report.payeeAccounts = Set(learnt.map { $0.supplierKey + " " + $0.accountKey }).count
        report.creditNotes = journal.values.filter { $0.line.booked.documentKind == .creditNote && PaymentEligibility.payable($0.line.booked) }.map(\.line.invoiceID).sorted()
    }

    /// Every journal line, by invoice (the first where one stands twice).
    func readJournal(_ report: inout Report) throws -> [String: (line: JournalLine, raw: Store.RestoredJournalLine)] {
        let dir = config.outboxPath + "/journal"
        var byInvoice: [String: (line: JournalLine, raw: Store.RestoredJournalLine)] = [:]
        let decoder = JSONDecoder()
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter(JournalWriter.isJournalFile).sorted() {
            guard let data = FileIO.read(dir + "/" + name) else { throw BilagError("outbox-unreadable", "cannot read \(dir)/\(name)", remedy: "check the Outbox's permissions") }
            for raw in data.split(separator: 0x0A) {
                guard let line = try? decoder.decode(JournalLine.self, from: raw) else {
                    throw BilagError("journal-unreadable", "\(name) holds a line that is not a journal line: \(String(decoding: raw.prefix(120), as: UTF8.self))", remedy: "restore the file from the ERP's copy, then rebuild again")
                }
                report.journalLines += 1
                if let first = byInvoice[line.invoiceID] {
                    report.doubleBookings.append("invoice \(line.invoiceID) is in \(first.raw.file) (seq \(first.line.seq)) and in \(name) (seq \(line.seq))")
                    continue
                }
                byInvoice[line.invoiceID] = (line, .init(seq: line.seq, invoiceID: line.invoiceID, createdAt: line.booked.bookedAt, line: String(decoding: raw, as: UTF8.self), file: name))
            }
        }
        return byInvoice
    }

    /// Moves `bilag.sqlite` and its log files into `STATE/store-before-rebuild-TIME/`; returns what was moved.
    func moveDatabaseAside(now: Date) throws -> [String] {
        let stamp = Timestamp.string(now).replacingOccurrences(of: ":", with: "")
        let aside = config.statePath + "/store-before-rebuild-" + stamp
        var moved: [String] = []
        for suffix in ["", "-wal", "-shm"] {
            let path = config.databasePath + suffix
            guard FileManager.default.fileExists(atPath: path) else { continue }
            try FileIO.makeDirectory(aside)
            let target = aside + "/" + (path as NSString).lastPathComponent
            guard rename(path, target) == 0 else {
                throw BilagError("state-unwritable", "cannot move \(path) aside: \(String(cString: strerror(errno)))", remedy: "check the state folder's permissions")
            }
            moved.append(target)
        }
        if !moved.isEmpty { FileIO.sync(aside); FileIO.sync(config.statePath) }
        return moved
    }
}

extension Pipeline {
    /// Records every kept original again and places it from the journal (see `StoreRebuild`).
    func rebuild(from journal: [String: (line: JournalLine, raw: Store.RestoredJournalLine)], into report: inout StoreRebuild.Report) throws {
        let originals = Self.keptOriginals(statePath: config.statePath)
        report.originals = originals.count
        var restored: [Store.RestoredJournalLine] = []
        let rebuiltAt = Timestamp.string()
        // Read in groups that fit the batch size and the memory budget, as the daemon does.
        var group: [ClaimedFile] = []
        var groupBytes: Int64 = 0
        var counts = report
        for original in originals {
            var file = original
            try claimer.load(&file) { size in
                if !group.isEmpty, group.count >= config.batchSize || groupBytes + size > config.maxBytesInFlight {
                    try rebuildGroup(group, from: journal, rebuiltAt: rebuiltAt, restored: &restored, report: &counts)
                    group = []; groupBytes = 0
                }
                groupBytes += size
            }
            group.append(file)
        }
        try rebuildGroup(group, from: journal, rebuiltAt: rebuiltAt, restored: &restored, report: &counts)
        report = counts
        // Journal lines whose original is gone: recorded from the line, so the invoice is still known as paid.
        let kept = Set(originals.map(\.id))
        let orphans = journal.values.filter { !kept.contains($0.line.invoiceID) }.sorted { $0.line.seq < $1.line.seq }
        if !orphans.isEmpty {
            try store.recordClaims(orphans.map { j in
                ClaimRecord(id: j.line.invoiceID, channel: "rebuilt", sourcePath: "(original missing; restored from \(j.raw.file))", storedPath: "",
                            sha256: j.line.sha256 ?? "", size: 0, receivedAt: j.line.bookedAt)
            })
            try store.apply(orphans.map { Self.rebuiltBooking($0.line, rebuiltAt: rebuiltAt) })
            restored += orphans.map(\.raw)
            report.withoutOriginal = orphans.map(\.line.invoiceID)
            report.booked += orphans.count
        }
        try store.restoreJournal(restored.sorted { $0.seq < $1.seq })
    }

    /// Records, examines and places one group of kept originals.
    func rebuildGroup(_ files: [ClaimedFile], from journal: [String: (line: JournalLine, raw: Store.RestoredJournalLine)], rebuiltAt: String,
                      restored: inout [Store.RestoredJournalLine], report: inout StoreRebuild.Report) throws {
        guard !files.isEmpty else { return }
        try store.recordClaims(files.map(Self.record))
        let examined = examineAll(files)
        var router = Router(store: store)
        try router.prefetch(zip(files, examined).compactMap { f, e in
            if case .parsed = e.result { return Store.DuplicateProbe(id: f.id, sha256: f.sha256, businessKey: e.businessKey) }
            return nil
        })
        var outcomes: [Outcome] = []
        for (file, e) in zip(files, examined) {
            var o: Outcome
            if let j = journal[file.id] {
                o = Self.rebuiltBooking(j.line, rebuiltAt: rebuiltAt)
                if case let .parsed(_, validation) = e.result { _ = router.route(id: file.id, sha256: file.sha256, businessKey: e.businessKey, report: validation) }
                restored.append(j.raw)
                report.booked += 1
            } else {
                switch e.result {
                case let .quarantine(code, message):
                    o = Outcome(invoiceID: file.id, state: .quarantined, reasonCode: code, reasonMessage: message, actor: "system", action: "rebuilt")
                    report.quarantined += 1
                case let .parsed(_, validation):
                    if let routed = router.route(id: file.id, sha256: file.sha256, businessKey: e.businessKey, issueDateHold: e.issueDateHold, report: validation) {
                        o = Outcome(invoiceID: file.id, state: .manual, reasonCode: routed.reason, reasonMessage: routed.message, actor: "system", action: "rebuilt")
                        o.duplicateOf = routed.duplicateOf
                    } else {
                        o = Outcome(invoiceID: file.id, state: .manual, reasonCode: StoreRebuild.reason,
                                    reasonMessage: "the store was rebuilt on \(rebuiltAt) and this invoice is in no journal file: it had been waiting, queued, rejected or quarantined before; decide it again with `bilag queue retry` or by hand",
                                    actor: "system", action: "rebuilt")
                    }
                    report.queued += 1
                }
            }
            o.summary = e.summary
            o.validationJSON = e.validationJSON
            outcomes.append(o)
        }
        try store.apply(outcomes)
    }

    /// The booked outcome of an invoice the journal holds: no new journal entry (its line is restored as it stands),
    /// and the robot's history entry when a robot filed it under a key.
    static func rebuiltBooking(_ line: JournalLine, rebuiltAt: String) -> Outcome {
        var o = Outcome(invoiceID: line.invoiceID, state: .booked, actor: line.bookedBy, action: "rebuilt")
        o.detail = "{\"from\":\"journal\",\"rebuilt_at\":\"\(rebuiltAt)\"}"
        if let robot = line.robot {
            o.decisions = [StoredDecision(invoiceID: line.invoiceID, robot: robot, robotHash: line.bookedBy.hasPrefix("robot:") ? String(line.bookedBy.split(separator: "@").last ?? "") : "rebuilt",
                                          legalBasis: nil, mode: "live", outcome: "book", reasonCode: nil, message: "restored from the journal by `bilag store rebuild`", historyKey: line.historyKey,
                                          amount: line.amountDue.description, issueDate: line.issueDate, invoiceNumber: line.invoiceNumber, periodKey: nil, traceJSON: "[]")]
        }
        return o
    }

    /// The kept originals as claimed files, in claim order.
    static func keptOriginals(statePath: String) -> [ClaimedFile] {
        KeptOriginal.list(statePath: statePath).map { e in
            ClaimedFile(id: e.id, channel: "rebuilt", sourcePath: "(rebuilt from \(e.storedPath))", storedPath: e.storedPath, receivedAt: Self.receivedAt(ofClaimID: e.id) ?? Timestamp.string())
        }.sorted { $0.id < $1.id }
    }

    /// The claim time a claim id carries (`20261123-082512-345678-p9f3a` → `2026-11-23T08:25:12.345Z`).
    static func receivedAt(ofClaimID id: String) -> String? {
        let u = Array(id.utf8)
        guard u.count >= 22, u[8] == UInt8(ascii: "-"), u[15] == UInt8(ascii: "-") else { return nil }
        let s = { (r: Range<Int>) in String(decoding: u[r], as: UTF8.self) }
        return "\(s(0..<4))-\(s(4..<6))-\(s(6..<8))T\(s(9..<11)):\(s(11..<13)):\(s(13..<15)).\(s(16..<19))Z"
    }
}
