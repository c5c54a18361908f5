import BilagCore
import Foundation
import GRDB

/// The bookings waiting to be written to the Outbox, per writer, and the files each writer wrote.
///
/// Every booking is one `journal_entry` (its sequence number is the booking's, shared by all writers). The JSONL
/// journal marks its entries in `journal_entry.file` and lists its files in `journal_file`, as it always has; every
/// other writer marks them in `outbox_mark` and lists its files in `outbox_file`, keyed by the writer's name.
extension Store {
    /// The name of the writer whose bookkeeping is `journal_entry.file` and `journal_file`.
    public static let journalWriter = "journal"

    /// A booking as stored: its sequence number, when it was booked into the store, and its `BookedInvoice` as JSON.
    public struct PendingJournalEntry: Sendable {
        public var seq: Int64
        public var invoiceID: String
        /// The stored line: read as text, or the bytes this process kept for it (`keptLine`), made text when asked.
        public var line: String {
            get { text ?? keptLine?.string ?? "" }
            set { text = newValue; keptLine = nil }
        }
        private var text: String?
        /// When the booking was committed (an ISO timestamp): a writer closing files by schedule waits from then.
        public var createdAt: String = ""
        /// The booking as this process stored it, when `line` is exactly what its hand writer wrote
        /// (`BookedInvoice.jsonLine`, kept in `Store.handoff`): what reading `line` gives, without reading it.
        public var kept: BookedInvoice?
        /// With `kept`: the line's bytes as kept, byte for byte the stored line's (so it is never read into a String
        /// on the Outbox's way: `OutboxEntry.storedBytes`).
        public private(set) var keptLine: JSONBytes?

        public init(seq: Int64, invoiceID: String, line: String, createdAt: String = "", kept: BookedInvoice? = nil) {
            self.seq = seq; self.invoiceID = invoiceID; self.text = line; self.createdAt = createdAt; self.kept = kept
        }

        /// An entry whose stored line is exactly the one this process kept with its booking.
        init(seq: Int64, invoiceID: String, kept: (booked: BookedInvoice, line: JSONBytes), createdAt: String) {
            self.seq = seq; self.invoiceID = invoiceID; self.createdAt = createdAt; self.kept = kept.booked; self.keptLine = kept.line
        }

        /// The booked invoice the entry holds.
        public func booked() throws -> BookedInvoice {
            if let kept { return kept }
            // Read by hand where the line is as bilag writes it (`BookedInvoice(journalLine:)`), by the decoder otherwise.
            if let booked = BookedInvoice(journalLine: line) { return booked }
            do { return try JSONDecoder().decode(BookedInvoice.self, from: Data(line.utf8)) } catch {
                throw BilagError("journal-entry-unreadable", "the booking of invoice \(invoiceID) (seq \(seq)) cannot be read: \(error)", remedy: "run `bilag store check`; restore the newest backup if the database is damaged")
            }
        }
    }

    /// One line of an Outbox file as it names its booking: the sequence number and the invoice.
    public struct JournalFileLine: Sendable, Hashable, Codable {
        public var seq: Int64
        public var invoiceID: String
        public init(seq: Int64, invoiceID: String) { self.seq = seq; self.invoiceID = invoiceID }
        enum CodingKeys: String, CodingKey { case seq, invoiceID = "invoice_id" }
    }

    /// The oldest entries the JSONL journal has not written.
    public func unflushedJournal(limit: Int) throws -> [PendingJournalEntry] {
        try unwritten(by: Self.journalWriter, limit: limit)
    }

    /// The oldest entries `writer` has not written, by sequence number.
    public func unwritten(by writer: String, limit: Int) throws -> [PendingJournalEntry] {
        try pool.read { db in
            // Read in place rather than through `Row`s: the Outbox writers read every booking's line once.
            // A line this process kept is compared as the bytes SQLite holds, and not read into a String.
            func entry(_ c: RawColumns) -> PendingJournalEntry {
                let invoiceID = c.text(1) ?? ""
                if let kept = c.bytes(2).flatMap({ handoff.booked(invoiceID, bytes: $0) }) {
                    return PendingJournalEntry(seq: c.int(0), invoiceID: invoiceID, kept: kept, createdAt: c.text(3) ?? "")
                }
                return PendingJournalEntry(seq: c.int(0), invoiceID: invoiceID, line: c.text(2) ?? "", createdAt: c.text(3) ?? "")
            }
            if writer == Self.journalWriter {
                return try db.cachedStatement(sql: "SELECT seq, invoice_id, line, created_at FROM journal_entry WHERE file IS NULL ORDER BY seq LIMIT ?")
                    .allRows(db, { $0.int(limit) }, entry)
            }
            // A writer writes its oldest unwritten entries first and stops at its first failure, and a takeover
            // marks only files that hold exactly unwritten entries: so every entry up to its last file is written,
            // and only those above it are looked at.
            return try db.cachedStatement(sql: """
                SELECT e.seq, e.invoice_id, e.line, e.created_at FROM journal_entry e
                WHERE e.seq > COALESCE((SELECT MAX(last_seq) FROM outbox_file WHERE writer = ?), 0)
                  AND NOT EXISTS (SELECT 1 FROM outbox_mark m WHERE m.writer = ? AND m.seq = e.seq)
                ORDER BY e.seq LIMIT ?
                """).allRows(db, { b in b.text(writer); b.text(writer); b.int(limit) }, entry)
        }
    }

    /// Records that `writer`'s `file` holds exactly `lines`: each names an entry of this store the writer has not
    /// written, by its sequence number and invoice. All or nothing: when any line does not (the file holds bookings
    /// this store does not know, or knows as written elsewhere), nothing is marked and the lines that do not fit are
    /// returned.
    @discardableResult
    public func recordJournalFile(_ file: String, lines: [JournalFileLine], writer: String = Store.journalWriter) throws -> [JournalFileLine] {
        guard let first = lines.first?.seq, let last = lines.last?.seq else { return [] }
        return try pool.write { db in
            let misfits = try Self.misfits(file, lines, writer, db)
            guard misfits.isEmpty else { return misfits }
            if writer == Self.journalWriter {
                let mark = try db.cachedStatement(sql: "UPDATE journal_entry SET file = ? WHERE seq = ? AND file IS NULL")
                for l in lines { try mark.run(db) { b in b.text(file); b.int(l.seq) } }
                try db.execute(sql: "INSERT OR IGNORE INTO journal_file (name, first_seq, last_seq, lines, written_at) VALUES (?, ?, ?, ?, ?)",
                               arguments: [file, first, last, lines.count, Timestamp.string()])
            } else {
                let mark = try db.cachedStatement(sql: "INSERT OR IGNORE INTO outbox_mark (writer, seq, file) VALUES (?, ?, ?)")
                for l in lines { try mark.run(db) { b in b.text(writer); b.int(l.seq); b.text(file) } }
                try db.execute(sql: "INSERT OR IGNORE INTO outbox_file (writer, name, first_seq, last_seq, lines, written_at) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [writer, file, first, last, lines.count, Timestamp.string()])
            }
            return []
        }
    }

    /// The lines of `writer`'s `file` that are not entries of this store waiting to be written by it (or written to
    /// that file), read only.
    public func journalFileMisfits(_ file: String, lines: [JournalFileLine], writer: String = Store.journalWriter) throws -> [JournalFileLine] {
        try pool.read { db in try Self.misfits(file, lines, writer, db) }
    }

    static func misfits(_ file: String, _ lines: [JournalFileLine], _ writer: String, _ db: Database) throws -> [JournalFileLine] {
        var misfits: [JournalFileLine] = []
        let byJournal = writer == Self.journalWriter
        let find = byJournal
            ? try db.cachedStatement(sql: "SELECT invoice_id, file FROM journal_entry WHERE seq = ?")
            : try db.cachedStatement(sql: "SELECT e.invoice_id, m.file FROM journal_entry e LEFT JOIN outbox_mark m ON m.writer = ? AND m.seq = e.seq WHERE e.seq = ?")
        for l in lines {
            let row = try find.firstTexts(db, columns: 2) { b in
                if !byJournal { b.text(writer) }
                b.int(l.seq)
            }
            let id = row?[0], written = row?[1]
            if id != l.invoiceID || (written != nil && written != file) { misfits.append(l) }
        }
        return misfits
    }

    /// Every booking the store holds: sequence number → invoice id (for reconciling the Outbox).
    public func bookingIDs() throws -> [Int64: String] {
        try pool.read { db in
            var out: [Int64: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT seq, invoice_id FROM journal_entry") { out[row[0]] = row[1] }
            return out
        }
    }

    /// The bookings with these sequence numbers.
    public func bookings(_ seqs: [Int64]) throws -> [PendingJournalEntry] {
        try pool.read { db in
            let find = try db.cachedStatement(sql: "SELECT seq, invoice_id, line, created_at FROM journal_entry WHERE seq = ?")
            return try seqs.compactMap { seq in try Row.fetchOne(find, arguments: [seq]).map { PendingJournalEntry(seq: $0[0], invoiceID: $0[1], line: $0[2], createdAt: $0[3]) } }
        }
    }

    /// How many invoices the store holds per claim day (the first 8 characters of the id, `20261123`), and in all.
    public func invoiceCountsByClaimDay() throws -> (byDay: [String: Int], total: Int) {
        try pool.read { db in
            var byDay: [String: Int] = [:]
            var total = 0
            for row in try Row.fetchAll(db, sql: "SELECT substr(id, 1, 8), COUNT(*) FROM invoice GROUP BY 1") {
                let n: Int = row[1]
                byDay[row[0]] = n
                total += n
            }
            return (byDay, total)
        }
    }

    /// The files `writer` wrote (or took over), by name.
    public func journalFileNames(writer: String = Store.journalWriter) throws -> Set<String> {
        try pool.read { db in
            writer == Self.journalWriter
                ? Set(try String.fetchAll(db, sql: "SELECT name FROM journal_file"))
                : Set(try String.fetchAll(db, sql: "SELECT name FROM outbox_file WHERE writer = ?", arguments: [writer]))
        }
    }

    /// The highest sequence number the store has given a journal entry (0 when none).
    public func lastJournalSequence() throws -> Int64 {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM journal_entry") ?? 0 }
    }
}

extension Store {
    /// A journal line read back from a journal file, for `bilag store rebuild`.
    public struct RestoredJournalLine: Sendable {
        public var seq: Int64
        public var invoiceID: String
        public var createdAt: String
        public var line: String
        public var file: String
        public init(seq: Int64, invoiceID: String, createdAt: String, line: String, file: String) {
            self.seq = seq; self.invoiceID = invoiceID; self.createdAt = createdAt; self.line = line; self.file = file
        }
    }

    /// Puts journal entries back as written to the files that hold them, with their own sequence numbers (so new
    /// entries continue above them), and records those files as the store's own. Each invoice must be recorded.
    public func restoreJournal(_ lines: [RestoredJournalLine]) throws {
        try pool.write { db in
            let entry = try db.cachedStatement(sql: "INSERT INTO journal_entry (seq, invoice_id, created_at, line, file) VALUES (?, ?, ?, ?, ?)")
            for l in lines { try entry.execute(arguments: [l.seq, l.invoiceID, l.createdAt, l.line, l.file]) }
            for (file, group) in Dictionary(grouping: lines, by: \.file) {
                let seqs = group.map(\.seq)
                try db.execute(sql: "INSERT OR REPLACE INTO journal_file (name, first_seq, last_seq, lines, written_at) VALUES (?, ?, ?, ?, ?)",
                               arguments: [file, seqs.min()!, seqs.max()!, group.count, group.map(\.createdAt).max()!])
            }
        }
    }
}
