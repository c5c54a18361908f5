import GRDB

/// The journal entries waiting to be written to the Outbox.
extension Store {
    /// A journal entry as stored: its sequence number and line JSON (seq not yet filled in).
    public struct PendingJournalEntry: Sendable {
        public var seq: Int64
        public var invoiceID: String
        public var line: String
    }

    /// The oldest unflushed entries.
    public func unflushedJournal(limit: Int) throws -> [PendingJournalEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, invoice_id, line FROM journal_entry WHERE file IS NULL ORDER BY seq LIMIT ?", arguments: [limit]).map {
                PendingJournalEntry(seq: $0[0], invoiceID: $0[1], line: $0[2])
            }
        }
    }

    /// Marks entries `first...last` as written to `file`.
    public func markJournalFlushed(first: Int64, last: Int64, file: String) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE journal_entry SET file = ? WHERE seq BETWEEN ? AND ? AND file IS NULL", arguments: [file, first, last])
        }
    }
}
