import BilagCore
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// The durable state of bilag in SQLite: invoices, their outcomes, the audit trail and the journal to flush.
///
/// All state transitions go through `apply`, in one transaction per batch.
public final class Store: Sendable {
    let pool: DatabasePool
    /// The database file.
    public let path: String
    /// The bookings this process has just stored, for its Outbox writers (`PendingJournalEntry.kept`).
    public let handoff = BookedHandoff()
    let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// Copies the write-ahead log into the database, most of it off the committing thread.
    let checkpointer: Checkpointer
    /// The robots' booked history, on a read-only connection of its own (`bookedHistory`).
    let historyReader: HistoryReader
    /// The database file this store opened (device and inode), to notice it deleted or replaced under a running daemon.
    let fileIdentity: [UInt64]?

    /// Opens (and creates or migrates) the database at `path`.
    public convenience init(path: String) throws {
        try self.init(path: path, checkpointer: Checkpointer(path: path))
    }

    /// Opens the database with `checkpointer` taking the writer's log (tests give it a small threshold).
    init(path: String, checkpointer: Checkpointer) throws {
        self.checkpointer = checkpointer
        self.path = path
        historyReader = HistoryReader(path: path)
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        // Opening creates the file, switches it to WAL and migrates. Two processes doing that at the same moment (the
        // daemon starting while an operator runs a command on a fresh state folder, or after an upgrade) collide:
        // `PRAGMA journal_mode = WAL` fails at once with "database is locked" (SQLite does not wait there), and the
        // migrator may re-run a migration the other process just applied. Openers take turns on a lock file, made
        // beside the database: its folder first, so that on a state folder that does not exist yet the first openers
        // take their turn too (they went without one, and migrated side by side).
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw BilagError("database-unavailable", "cannot make the folder of the database at \(path): \(error)", remedy: "check that the state folder's parent exists and is writable, and that the disk has room")
        }
        let turn = open(path + ".open-lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if turn >= 0 { while flock(turn, LOCK_EX) != 0, errno == EINTR {} }
        defer { if turn >= 0 { flock(turn, LOCK_UN); close(turn) } }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // GRDB turns the writer to `synchronous = NORMAL` when it switches the file to WAL, after
            // `prepareDatabase` ran: a commit would then survive a crash of bilag but not a power cut. The Outbox acts
            // on what `apply` committed and a claim's intent is dropped once it is recorded, so each commit must be
            // on disk when it returns: the writer syncs the log at every commit.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                // The duplicate indexes (content hash; supplier, number and date) take an invoice's entry on a random
                // page: past some 16,000 invoices their pages no longer fit SQLite's default 2 MiB cache, and each
                // look-up and insert read a page back from the file. 16 MiB holds both to about 130,000 invoices; the
                // cache fills only as far as it is used (five paired runs of 100,000 invoices: about 5 % less CPU).
                try db.execute(sql: "PRAGMA cache_size = -16384")
                // SQLite copies the write-ahead log into the database every 1,000 pages by default: under a steady
                // stream of invoices that is every few batches, and the same index pages are copied again and again.
                // The checkpointer copies it every 16,384 pages (64 MiB of log), a fraction as often (`bilag bench`:
                // about 30 % less time in the database at 100,000 invoices), and mostly on a thread of its own.
                checkpointer.attach(to: db)
            }
            try Schema.migrator.migrate(pool)
        } catch let e as DatabaseError where e.resultCode == .SQLITE_NOTADB || e.resultCode == .SQLITE_CORRUPT {
            throw DatabaseTrouble.damaged(path, e.message ?? "\(e)")
        } catch {
            throw BilagError("database-unavailable", "cannot open the database at \(path): \(error)", remedy: "check that the state folder exists and is writable, and that the disk has room")
        }
        fileIdentity = Self.identity(path)
    }

    static func identity(_ path: String) -> [UInt64]? {
        var st = stat()
        return stat(path, &st) == 0 ? [UInt64(st.st_dev), UInt64(st.st_ino)] : nil
    }

    /// Why the database at `path` is no longer the file this store writes (deleted, or another file put in its place
    /// while bilag ran: what is committed from then on goes into a file nobody will open again), or nil.
    public func fileGone() -> String? {
        guard let mine = fileIdentity else { return nil }
        var st = stat()
        guard stat(path, &st) == 0 else { return "was deleted (\(String(cString: strerror(errno))))" }
        return [UInt64(st.st_dev), UInt64(st.st_ino)] == mine ? nil : "was replaced by another file"
    }

    deinit {
        pool.writeWithoutTransaction { Checkpointer.detach(from: $0) }
        checkpointer.stop()
    }

    /// Copies the write-ahead log into the database file in the background, now rather than at its threshold (the
    /// Inbox ran empty). Commits go on meanwhile.
    public func copyLogSoon() { checkpointer.copySoon() }

    /// Copies the write-ahead log into the database file now, as far as no reader holds it back (an operator's
    /// command before it returns: the database file alone then holds the action, as the README's backup advice says).
    public func copyLogNow() {
        _ = try? pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
    }

    /// Writes a consistent copy of the database to `path` (a new file) while bilag keeps working: SQLite's online
    /// backup, the copy a restore can start from.
    public func backup(to path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw BilagError("backup-exists", "\(path) exists already", remedy: "give a new file name; a backup never overwrites one")
        }
        let target = try DatabaseQueue(path: path)
        try pool.backup(to: target)
        try target.close()
    }

    /// A pragma's value on the writer connection (`synchronous`: 2 = FULL, the log is synced at every commit).
    func writerPragma(_ name: String) throws -> Int {
        try pool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA \(name)") ?? .min }
    }

    // MARK: intake

    /// Records freshly claimed files (state `received`) with a `claimed` event. (`apply` records them too, in the
    /// same transaction as a batch's outcomes: the pipeline's way, one sync for both.)
    public func recordClaims(_ claims: [ClaimRecord]) throws {
        guard !claims.isEmpty else { return }
        try pool.write { db in try insertClaims(claims, db) }
    }

    private func insertClaims(_ claims: [ClaimRecord], _ db: Database) throws {
        let ins = try db.cachedStatement(sql: "INSERT OR IGNORE INTO invoice (id, channel, source_path, stored_path, sha256, size, received_at, state, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'received', ?)")
        let ev = try db.cachedStatement(sql: "INSERT INTO event (invoice_id, at, actor, action, to_state, detail) VALUES (?, ?, 'system', 'claimed', 'received', ?)")
        for c in claims {
            try ins.run(db) { b in b.text(c.id); b.text(c.channel); b.text(c.sourcePath); b.text(c.storedPath); b.text(c.sha256); b.int(c.size); b.text(c.receivedAt); b.text(c.receivedAt) }
            if db.changesCount > 0 { try ev.run(db) { b in b.text(c.id); b.text(c.receivedAt); b.text("from " + c.sourcePath) } }
        }
    }

    /// The ids already recorded among `ids` (for recovery of claims whose record did not commit).
    public func existingIDs(_ ids: [String]) throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try pool.read { db in
            var found = Set<String>()
            for chunk in stride(from: 0, to: ids.count, by: 500) {
                let part = Array(ids[chunk..<min(chunk + 500, ids.count)])
                let marks = Array(repeating: "?", count: part.count).joined(separator: ",")
                for id in try String.fetchAll(db, sql: "SELECT id FROM invoice WHERE id IN (\(marks))", arguments: StatementArguments(part)) { found.insert(id) }
            }
            return found
        }
    }

    // MARK: decisions

    /// Why an outcome could not be applied.
    public struct TransitionError: OperatorFacingError {
        public let code = "invalid-transition"
        public let message: String
        public let remedy = "show the invoice to see its current state; another operator or the daemon may have acted first"
    }

    /// Applies outcomes in one transaction: state change, audit event, and a journal entry for each booking (held instead,
    /// with its case updates queued, when the robot writes back: see `Store+CaseUpdates`).
    /// An outcome whose invoice is no longer in a state that allows the move is refused and listed in the result.
    /// `recording` claims are recorded in the same transaction (as `recordClaims` does).
    @discardableResult
    public func apply(_ outcomes: [Outcome], expecting from: [String: InvoiceState] = [:], recording claims: [ClaimRecord] = []) throws -> [String] {
        guard !outcomes.isEmpty || !claims.isEmpty else { return [] }
        let now = Timestamp.string()
        return try pool.write { db in
            try insertClaims(claims, db)
            var refused: [String] = []
            var statements = OutcomeStatements(db)
            let getState = try db.cachedStatement(sql: "SELECT state FROM invoice WHERE id = ?")
            for o in outcomes {
                // Most outcomes move an invoice out of the state they expect (the daemon's: `received`), so the
                // update is tried on that state first; only when it matches no row is the state read.
                let expected = from[o.invoiceID]
                let assumed = expected ?? .received
                if assumed.canMove(to: o.state), try write(o, from: assumed, now: now, db: db, &statements) { continue }
                if expected != nil { refused.append(o.invoiceID); continue }
                guard let current = try String.fetchOne(getState, arguments: [o.invoiceID]).flatMap(InvoiceState.init(rawValue:)),
                      current != assumed, current.canMove(to: o.state), try write(o, from: current, now: now, db: db, &statements) else {
                    refused.append(o.invoiceID); continue
                }
            }
            return refused
        }
    }

    /// Writes one outcome for an invoice in state `current`; false, with nothing written, when the invoice is not in that state.
    private func write(_ o: Outcome, from current: InvoiceState, now: String, db: Database, _ statements: inout OutcomeStatements) throws -> Bool {
        let decided = o.state == .received ? nil as String? : now
        func bindState(_ b: inout RawBinder) {
            b.text(o.state.rawValue); b.text(o.reasonCode); b.text(o.reasonMessage); b.text(o.duplicateOf); b.text(o.state == .received ? nil : o.actor)
            b.text(decided); b.text(now); b.text(o.validationJSON); b.json(o.trace); b.int(o.state == .received ? 0 : 1)
            b.text(o.retryAt); b.text(o.retryAt); b.text(now); b.text(o.invoiceID); b.text(current.rawValue)
        }
        if let s = o.summary {
            // The parsed summary and the state change in one UPDATE: the row is rewritten once, not twice.
            // (The state part reads only columns the summary part does not set, so this equals two UPDATEs in a row.)
            try statements(.updateWithSummary).run(db) { b in
                    b.text(s.syntax); b.text(s.profile); b.text(s.documentKind.rawValue); b.text(s.invoiceNumber); b.text(s.numberKey); b.text(s.issueDate); b.text(s.dueDate)
                    b.text(s.sellerKey); b.text(s.sellerName); b.text(s.currency); b.text(s.amountDue); b.text(s.totalWithoutVAT); b.text(s.totalVAT)
                    bindState(&b)
                }
        } else {
            try statements(.updateState).run(db, bindState)
        }
        guard db.changesCount == 1 else { return false }
        for d in o.decisions {
            try statements(.insertDecision)
                .run(db) { b in
                    b.text(o.invoiceID); b.text(now); b.text(d.robot); b.text(d.robotHash); b.text(d.legalBasis); b.text(d.mode); b.text(d.outcome); b.text(d.reasonCode)
                    b.text(d.message); b.text(d.historyKey); b.text(d.amount); b.text(d.issueDate); b.text(d.invoiceNumber); b.text(d.periodKey); b.json(d.trace)
                }
        }
        var detail = o.detail
        if detail == nil, o.reasonCode != nil || o.reasonMessage != nil {
            detail = try reasonDetail(code: o.reasonCode ?? "", reason: PersonalData.maskCPR(o.reasonMessage ?? ""))
        }
        try statements(.insertEvent)
            .run(db) { b in b.text(o.invoiceID); b.text(now); b.text(o.actor); b.text(o.action); b.text(current.rawValue); b.text(o.state.rawValue); b.text(detail) }
        if o.state == .booked, let booked = o.booked {
            let line: JSONBytes
            if let written = booked.jsonText {
                line = written
                handoff.keep(booked, line: line)
            } else {
                line = JSONBytes(bytes: Array(try encoder.encode(booked)))
            }
            if o.caseUpdates.isEmpty {
                try statements(.insertJournal).run(db) { b in b.text(o.invoiceID); b.text(now); b.json(line) }
            } else {
                // Written back first: the booking is released to the Outbox once the case systems confirm (`hold`).
                try hold(o, line: line, now: now, db: db, &statements)
            }
        } else if (o.state == .manual || o.state == .rejected) && current != .received {
            // An invoice that leaves the way to booking: what its write-backs did is reversed (`insertCompensations`).
            try insertCompensations(o.invoiceID, now: now, db: db)
        }
        return true
    }

    /// The audit detail `{"reason":…,"reason_code":…}`, as `encoder` writes it, without its cost in the common case.
    func reasonDetail(code: String, reason: String) throws -> String {
        if let c = JSONString.literal(code), let r = JSONString.literal(reason) { return "{\"reason\":" + r + ",\"reason_code\":" + c + "}" }
        return try String(decoding: encoder.encode(["reason_code": code, "reason": reason]), as: UTF8.self)
    }

    // MARK: duplicates

    /// The duplicate queries of `duplicateCandidates`: the first invoice recorded before this one (by insertion order,
    /// not clock) with the same bytes, and with the same supplier, number and issue date.
    /// Both take the probed invoice's own rowid (`ownRowSQL`) as the bound of "before".
    static let ownRowSQL = "SELECT rowid FROM invoice WHERE id = ?"
    static let sameBytesSQL = "SELECT id FROM invoice WHERE sha256 = ? AND rowid < ? AND state NOT IN ('quarantined') ORDER BY rowid LIMIT 1"
    /// The first earlier invoice of the same supplier and kind with the same number as compared (`number_key`), whatever
    /// its issue date: a supplier numbers its invoices once, so the same number sent again with another date is the
    /// same invoice until a clerk says otherwise.
    static let sameKeySQL = "SELECT id, invoice_number, issue_date FROM invoice INDEXED BY invoice_number_key WHERE seller_key = ? AND number_key = ? AND document_kind = ? AND rowid < ? AND state NOT IN ('rejected', 'quarantined') ORDER BY rowid LIMIT 1"
}
