import BilagCore
import GRDB

/// The journal entries waiting to be written to the Outbox, and the journal files written.
extension Store {
    /// A journal entry as stored: its sequence number and line JSON (seq not yet filled in).
    public struct PendingJournalEntry: Sendable {
        public var seq: Int64
        public var invoiceID: String
        public var line: String
    }

    /// One line of a journal file as it names its booking: the sequence number and the invoice.
    public struct JournalFileLine: Sendable, Hashable {
        public var seq: Int64
        public var invoiceID: String
        public init(seq: Int64, invoiceID: String) { self.seq = seq; self.invoiceID = invoiceID }
    }

    /// The oldest unflushed entries.
    public func unflushedJournal(limit: Int) throws -> [PendingJournalEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, invoice_id, line FROM journal_entry WHERE file IS NULL ORDER BY seq LIMIT ?", arguments: [limit]).map {
                PendingJournalEntry(seq: $0[0], invoiceID: $0[1], line: $0[2])
            }
        }
    }

    /// Records that `file` holds exactly `lines`: each names an entry of this store not yet written, by its sequence
    /// number and invoice. All or nothing: when any line does not (the file holds bookings this store does not know,
    /// or knows as written elsewhere), nothing is marked and the lines that do not fit are returned.
    @discardableResult
    public func recordJournalFile(_ file: String, lines: [JournalFileLine]) throws -> [JournalFileLine] {
        guard let first = lines.first?.seq, let last = lines.last?.seq else { return [] }
        return try pool.write { db in
            let misfits = try Self.misfits(file, lines, db)
            guard misfits.isEmpty else { return misfits }
            let mark = try db.cachedStatement(sql: "UPDATE journal_entry SET file = ? WHERE seq = ? AND file IS NULL")
            for l in lines { try mark.execute(arguments: [file, l.seq]) }
            try db.execute(sql: "INSERT OR IGNORE INTO journal_file (name, first_seq, last_seq, lines, written_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [file, first, last, lines.count, Timestamp.string()])
            return []
        }
    }

    /// The lines of `file` that are not entries of this store waiting to be written (or written to that file), read only.
    public func journalFileMisfits(_ file: String, lines: [JournalFileLine]) throws -> [JournalFileLine] {
        try pool.read { db in try Self.misfits(file, lines, db) }
    }

    static func misfits(_ file: String, _ lines: [JournalFileLine], _ db: Database) throws -> [JournalFileLine] {
        var misfits: [JournalFileLine] = []
        let find = try db.cachedStatement(sql: "SELECT invoice_id, file FROM journal_entry WHERE seq = ?")
        for l in lines {
            let row = try Row.fetchOne(find, arguments: [l.seq])
            let id: String? = row?[0], written: String? = row?[1]
            if id != l.invoiceID || (written != nil && written != file) { misfits.append(l) }
        }
        return misfits
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

    /// The journal files this store wrote (or took over), by name.
    public func journalFileNames() throws -> Set<String> {
        try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT name FROM journal_file")) }
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
