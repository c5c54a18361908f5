import BilagCore
import BilagStore
import Foundation

/// The payments writer: takes the bookings bilag pays from the booked-invoice stream, sets credit notes off against
/// open invoices of the same supplier, and writes the payments due into pain.001 files in `Outbox/NAME/`, each with
/// its manifest in `Outbox/manifests/NAME/` — every invoice in at most one payment file, whatever crashes.
///
/// Exactly once: payments are assigned to a file in the store (one transaction: the file is recorded `pending`, its
/// payments `filed` in it) before the file is written. A writer killed before the file appears writes the same file
/// again (its content comes from the store alone, so the bytes are the same); one killed after it appeared finds it
/// and records it. A payment once filed is never filed again. A file in the folder that the store does not know means
/// the store is behind its Outbox (restored from an older copy): paying from it could pay twice, so it stops.
public final class PaymentFiles: Sendable {
    public let settings: PaymentSettings
    public let directory: String
    public let manifestDirectory: String
    let document: Pain001Document
    /// When the folders are looked through for payment files the store does not know (`TakeOverSchedule`): at the
    /// first flush of a process, after a writer of any process stopped half-way, and every few minutes; not at every
    /// flush (listing them cost more the more files they hold).
    public let takeOvers = TakeOverSchedule()

    public init(_ settings: PaymentSettings, outbox: String) {
        self.settings = settings
        directory = outbox + "/" + settings.name
        manifestDirectory = outbox + "/manifests/" + settings.name
        document = Pain001Document(settings: settings)
    }

    public var name: String { settings.name }

    /// Starts the writer (at the first run: above every booking made before payments were set up), finishes a file a
    /// killed writer left pending, or throws `StoreBehindOutbox` for a payment file the store does not know.
    public func reconcile(with store: Store) throws {
        try OutboxFiles.lockedHolding(directory, manifestDirectory) { lock in
            try store.startPayments(name)
            try refuseUnknownFiles(store)
            takeOvers.didCheck(now: Date())
            try TakeOverSchedule.mark(lock, writing: true)
            try finishPending(store)
            try TakeOverSchedule.mark(lock, writing: false)
        }
    }

    /// Takes up new bookings, sets off credit notes, and writes every payment due into a file; returns how many
    /// payments were written.
    @discardableResult
    public func flush(_ store: Store, now: Date = Date()) throws -> Int {
        try OutboxFiles.lockedHolding(directory, manifestDirectory) { lock in
            try store.startPayments(name)
            // The folders are listed only when a writer may have left something, or the store may be behind
            // (`TakeOverSchedule`); a file filed but not written is found in the store (`finishPending`), not the folder.
            if takeOvers.isDue(lock: lock, now: now) {
                try refuseUnknownFiles(store)
                takeOvers.didCheck(now: now)
            }
            // Marked while files are written: a writer that stops half-way (killed, or its write failed) makes the next
            // flush of any process look through the folders.
            try TakeOverSchedule.mark(lock, writing: true)
            var written = try finishPending(store)
            try takeUp(store, now: now)
            try store.setOffCredits(now: Timestamp.string(now))
            while let file = try fileDue(store, now: now) {
                try write(file, store)
                written += file.count
            }
            try TakeOverSchedule.mark(lock, writing: false)
            return written
        }
    }

    /// Records the bookings after the writer's cursor as payments: open invoices, held credit notes, or not paid
    /// (with the reason).
    func takeUp(_ store: Store, now: Date) throws {
        while let cursor = try store.paymentCursor(name) {
            let entries = try store.bookings(after: cursor, limit: 1000)
            guard let last = entries.last?.seq else { return }
            var labels: [String: String] = [:]
            let records = try entries.map { e -> PaymentRecord in
                let (record, label) = payment(try e.booked(), seq: e.seq, now: now)
                if let key = record.accountKey, let label { labels[key] = label }
                return record
            }
            try store.takeUpPayments(name, records, labels: labels, through: last)
        }
    }

    /// The payment a booking makes, and its account's label.
    func payment(_ b: BookedInvoice, seq: Int64, now: Date) -> (PaymentRecord, String?) {
        let credit = b.documentKind == .creditNote
        var p = PaymentRecord(invoiceID: b.invoiceID, seq: seq, state: "not-paid", documentKind: b.documentKind.rawValue, supplierKey: b.supplierKey, supplierName: b.supplierName,
                              invoiceNumber: b.invoiceNumber, currency: b.currency ?? "?", amount: credit ? -b.amountDue : b.amountDue, dueDate: b.dueDate, accountKey: nil,
                              instruction: nil, reason: nil, createdAt: Timestamp.string(now))
        guard PaymentEligibility.payable(b) else { p.reason = "booked without payment (pay: false)"; return (p, nil) }
        guard b.currency != nil else { p.reason = "the booking has no currency"; return (p, nil) }
        guard p.amount > .zero else { p.reason = credit ? "the credit note credits nothing" : "nothing is due"; return (p, nil) }
        if credit { p.state = "held"; p.reason = "credit to set off against the supplier's next invoices"; return (p, nil) }
        switch PayeeInstruction.of(b, country: settings.country) {
        case let .failure(d):
            p.state = "blocked"; p.reason = "\(d.code): \(d.message)"
            return (p, nil)
        case let .success(i):
            guard settings.supports(i) else {
                p.state = "blocked"; p.reason = "\(PaymentDeviation.meansUnsupported): \(settings.version.rawValue) cannot carry a payment to \(i.label)"
                return (p, nil)
            }
            p.state = "open"
            p.accountKey = i.accountKey
            p.instruction = (try? Self.encoder.encode(i)).map { String(decoding: $0, as: UTF8.self) }
            return (p, i.label)
        }
    }

    /// Files the open payments whose execution date is near enough (`days_ahead`) into a new pending file; nil when
    /// none is due (or, with `close_after_minutes`, the oldest has not waited long enough).
    func fileDue(_ store: Store, now: Date) throws -> PaymentFileRecord? {
        let calendar = settings.calendar
        let today = calendar.today(now)
        var ready: [(invoiceID: String, requestedDate: String)] = []
        var oldest: String?
        for p in try store.payments(state: "open") where p.openAmount > .zero {
            let date = calendar.executionDate(due: p.dueDate.flatMap(LocalDate.init(parsing:)), today: today)
            guard today.days(until: date) <= settings.daysAhead else { continue }
            // Taken up under other settings (a FIK payment, then `version: pain.001.001.09`): one payment the writer
            // cannot carry now is blocked, listed with its reason, and the others are paid — not the whole file held.
            if let json = p.instruction, let i = try? JSONDecoder().decode(PayeeInstruction.self, from: Data(json.utf8)), !settings.supports(i) {
                try store.blockPayment(p.invoiceID, reason: "\(PaymentDeviation.meansUnsupported): \(settings.version.rawValue) cannot carry a payment to \(i.label); pay it by hand and cancel it here, or set version: pain.001.001.03")
                continue
            }
            ready.append((p.invoiceID, date.description))
            oldest = min(oldest ?? p.createdAt, p.createdAt)
            if ready.count >= settings.maxPaymentsPerFile { break }
        }
        if ready.count < settings.maxPaymentsPerFile, settings.closeAfterSeconds > 0, let oldest, let since = Timestamp.date(oldest),
           now.timeIntervalSince(since) < Double(settings.closeAfterSeconds) {
            return nil
        }
        return try store.filePayments(name, ready, name: { fileName(id: $0, now: now) }, now: Timestamp.string(now), render: document.render)
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// `NAME-DATE-NNNNNNNNNNNN.xml`: unique (the file's number) and sorted by time; the date is the calendar country's.
    func fileName(id: Int64, now: Date) -> String { "\(name)-\(settings.calendar.today(now))-\(OutboxFiles.pad(id)).xml" }

    /// A file staged to be published (written whole, before the rename that publishes it) is named so in the folder.
    static let stagingPrefix = ".publishing-"

    /// True for a name this writer gives its files.
    public func isOwnFile(_ file: String) -> Bool { file.hasPrefix(name + "-") && file.hasSuffix(".xml") }
    public func manifestPath(_ file: String) -> String { manifestDirectory + "/" + file + ".manifest.json" }

    /// Writes the files the store holds as pending (a writer killed before or after its file appeared); returns how
    /// many payments they hold.
    @discardableResult
    func finishPending(_ store: Store) throws -> Int {
        var n = 0
        for f in try store.paymentFiles(name) where f.state == "pending" {
            try write(f, store)
            n += f.count
        }
        return n
    }

    /// Writes one pending file whole, from the bytes kept when it was filed, then records it written. The steps:
    /// the file whole under a hidden staging name (`.publishing-NAME`), the manifest under its pending name, the rename
    /// of the staged file to its name — which publishes it — and the manifest's rename to its final name. After a
    /// stop at any step the folders say how far it got, also when the bank has collected the file since: a pending
    /// manifest with the staged file still there was not published (the rename is done now); a pending manifest
    /// without it was published, so the file is recorded and never made again. A file already there must be byte for
    /// byte the one the store describes; a file whose final manifest is there was published and is only recorded.
    func write(_ f: PaymentFileRecord, _ store: Store) throws {
        let payments = try store.payments(inFile: f.name)
        // The bytes rendered when the file was filed (with the settings of that moment); a file filed before they were
        // kept is rendered now.
        let data = try store.paymentFileContent(f.name) ?? document.render(file: f, payments: payments)
        let version = PaymentSettings.Version.allCases.first { data.range(of: Data("xsd:\($0.rawValue)\"".utf8)) != nil } ?? settings.version
        let path = directory + "/" + f.name
        let pendingManifest = manifestDirectory + "/.pending-" + f.name + ".manifest.json"
        let existing = FileIO.read(path)
        if let existing, existing != data {
            throw BilagError("payment-file-conflict", "the payment file \(path) is not the one the store filed its payments in", remedy: "do not send it to the bank; run `bilag store check` and compare it with `bilag report day`")
        }
        if FileManager.default.fileExists(atPath: manifestPath(f.name)) {
            // The manifest takes its final name only after the file was linked: the file was published, and the bank
            // may have collected it since. It is recorded, never made again.
            try recordPublished(f, data: data, store)
            return
        }
        if existing == nil {
            let staged = directory + "/" + Self.stagingPrefix + f.name
            if !FileManager.default.fileExists(atPath: pendingManifest) {
                try FileIO.writeAtomically(data, to: staged)
                let manifest = PaymentManifest(file: f.name, writer: name, version: version.rawValue, payments: payments, data: data, writtenAt: f.createdAt)
                try FileIO.writeAtomicallyNew(try manifest.encoded(), to: pendingManifest)
            } else if let kept = FileIO.read(staged) {
                guard kept == data else {
                    throw BilagError("payment-file-conflict", "the staged payment file \(staged) is not the one the store filed its payments in", remedy: "do not send it to the bank; run `bilag store check` and compare it with `bilag report day`")
                }
            } else {
                // Renamed into place before the writer stopped, and gone since: the bank collected it. Recorded as
                // published; written again, the bank would pay every payment in it twice.
                try OutboxFiles.rename(pendingManifest, to: manifestPath(f.name), file: f.name, in: manifestDirectory)
                try recordPublished(f, data: data, store)
                return
            }
            // The rename that publishes the file: it appears whole, and never over a file already there.
            guard !FileManager.default.fileExists(atPath: path), Glibc.rename(staged, path) == 0 else {
                throw BilagError("outbox-unwritable", "cannot publish the payment file \(path): \(String(cString: strerror(errno)))", remedy: "check the Outbox's permissions and free space")
            }
            FileIO.sync(directory)
        }
        if FileManager.default.fileExists(atPath: pendingManifest) {
            try OutboxFiles.rename(pendingManifest, to: manifestPath(f.name), file: f.name, in: manifestDirectory)
        } else {
            // The file is there without its manifest (written by an earlier version of this step, or the manifest lost):
            // it is the store's file, so its manifest is written now.
            let manifest = PaymentManifest(file: f.name, writer: name, version: version.rawValue, payments: payments, data: data, writtenAt: f.createdAt)
            try FileIO.writeAtomicallyNew(try manifest.encoded(), to: pendingManifest)
            try OutboxFiles.rename(pendingManifest, to: manifestPath(f.name), file: f.name, in: manifestDirectory)
        }
        try store.markPaymentFileWritten(f.name, sha256: OutboxManifest.sha256(data))
    }

    /// Records a file whose final manifest is there (published, perhaps collected by the bank) as written, when the
    /// manifest describes the bytes the store files; otherwise stops, for the file the bank has may not be these.
    func recordPublished(_ f: PaymentFileRecord, data: Data, _ store: Store) throws {
        let sha = OutboxManifest.sha256(data)
        guard let manifest = PaymentManifest.read(manifestPath(f.name)), manifest.sha256 == sha else {
            throw BilagError("payment-file-conflict", "the payment file \(f.name) was published (its manifest \(manifestPath(f.name)) is there), but the manifest does not describe the file the store filed its payments in",
                             remedy: "do not write the file again; ask the bank which file \(f.name) it received, compare it with the manifest and `bilag report day`, and run `bilag store check`")
        }
        try store.markPaymentFileWritten(f.name, sha256: sha)
    }

    /// For `bilag store rebuild`: records every payment file the Outbox holds (read from its manifest) as the new
    /// store's, its invoices filed in it, and starts the writer above every booking, so that nothing is paid twice —
    /// nor paid at all without a person: a booking that was waiting for its payment when the store was lost is paid by
    /// hand. Returns the manifests of the files adopted.
    @discardableResult
    public func adopt(_ store: Store) throws -> [PaymentManifest] {
        var adopted: [PaymentManifest] = []
        for name in fileNames().sorted() {
            guard let m = PaymentManifest.read(manifestPath(name)) else {
                throw BilagError("outbox-unreadable", "the payment file \(name) has no readable manifest in \(manifestDirectory)", remedy: "restore the manifest from a backup of the Outbox, then rebuild again")
            }
            try store.adoptPaymentFile(self.name, name: name, createdAt: m.writtenAt, sha256: m.sha256, payments: m.payments.map { ($0.invoiceID, $0.seq, $0.currency, $0.amount, $0.requestedDate) })
            adopted.append(m)
        }
        try blockUnfiled(store, paid: Set(adopted.flatMap { $0.payments.map(\.invoiceID) }))
        try store.startPayments(self.name)
        return adopted
    }

    /// Why a rebuilt store's payment is blocked: booked to be paid, but in no payment file the Outbox holds.
    public static let storeRebuilt = "store-rebuilt"

    /// The bookings of a rebuilt store that were to be paid and are in no adopted file: whether a file that is gone
    /// (the bank took it, and its manifest is lost too) paid them, the Outbox cannot tell. Each is recorded as a
    /// `blocked` payment (`store-rebuilt`) for an operator to release after checking with the bank, or to cancel —
    /// never paid on its own, never silently dropped (before, the new store took them as booked before payments
    /// started, and no command listed them). A credit note's payment is `not-paid`: its credit may have been used.
    func blockUnfiled(_ store: Store, paid: Set<String>, now: Date = Date()) throws {
        var after: Int64 = 0
        while true {
            let entries = try store.bookings(after: after, limit: 1000)
            guard let last = entries.last?.seq else { return }
            var records: [PaymentRecord] = []
            for e in entries where !paid.contains(e.invoiceID) {
                var (p, _) = payment(try e.booked(), seq: e.seq, now: now)
                switch p.state {
                case "open", "blocked":
                    p.reason = "\(Self.storeRebuilt): booked to be paid, but in no payment file the Outbox holds (the store was rebuilt); check with the bank that it was not paid, then release it with `bilag payments release`, or cancel it" + (p.state == "blocked" ? " (also: \(p.reason ?? ""))" : "")
                    p.state = "blocked"
                case "held":
                    p.state = "not-paid"
                    p.reason = "\(Self.storeRebuilt): a credit note whose credit may have been set off before the rebuild; set it off by hand"
                default:
                    break
                }
                records.append(p)
            }
            if !records.isEmpty { try store.takeUpPayments(name, records, labels: [:], through: last) }
            after = last
        }
    }

    /// The names of the writer's files: in its folder, and named by its manifests (a file the bank has taken).
    public func fileNames() -> Set<String> {
        let manifested = OutboxFiles.list(manifestDirectory).filter { !$0.hasPrefix(".") && $0.hasSuffix(".manifest.json") }.map { String($0.dropLast(".manifest.json".count)) }
        return Set(OutboxFiles.list(directory).filter(isOwnFile)).union(manifested)
    }

    /// Throws `StoreBehindOutbox` when the folder holds payment files the store does not know.
    func refuseUnknownFiles(_ store: Store) throws {
        OutboxFiles.removeTemporaryFiles(directory, manifestDirectory)
        let unknown = try unknownFiles(store)
        guard unknown.isEmpty else { throw StoreBehindOutbox(findings: findings(unknown), storePath: store.path) }
    }

    /// The payment files in the folder (or named by a manifest) that the store did not file payments in.
    public func unknownFiles(_ store: Store) throws -> [String] {
        fileNames().subtracting(try store.paymentFiles(name).map(\.name)).sorted()
    }

    /// What unknown payment files say about the store, in one sentence.
    public func findings(_ unknown: [String]) -> [String] {
        unknown.isEmpty ? [] : ["\(unknown.count) payment file(s) in \(directory) the store does not know (\(unknown.prefix(3).joined(separator: ", "))\(unknown.count > 3 ? ", …" : "")): paying from this store could pay their invoices twice"]
    }
}
