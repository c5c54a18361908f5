import BilagCore
import GRDB

/// Read-side queries for the CLI, the queue and the status.
extension Store {
    /// One invoice by id (or unique id prefix).
    public func invoice(_ idOrPrefix: String) throws -> InvoiceRecord? {
        try pool.read { db in
            if let row = try Row.fetchOne(db, sql: "SELECT \(InvoiceRecord.columns) FROM invoice WHERE id = ?", arguments: [idOrPrefix]) { return InvoiceRecord(row: row) }
            let rows = try Row.fetchAll(db, sql: "SELECT \(InvoiceRecord.columns) FROM invoice WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 2", arguments: [idOrPrefix.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"])
            return rows.count == 1 ? InvoiceRecord(row: rows[0]) : nil
        }
    }

    /// Invoices, newest first, optionally in one state and/or with one reason.
    public func invoices(state: InvoiceState? = nil, reason: String? = nil, limit: Int = 1000, offset: Int = 0) throws -> [InvoiceRecord] {
        try pool.read { db in
            let (filter, filterArgs) = Self.invoiceFilter(state: state, reason: reason)
            let sql = "SELECT \(InvoiceRecord.columns) FROM invoice" + filter + " ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?"
            let args = filterArgs + [limit, offset]
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map(InvoiceRecord.init(row:))
        }
    }

    /// Every invoice still in `received` and due (work interrupted by a stop or a crash, or waiting for a case system
    /// whose retry time has come), oldest first.
    public func unfinished(limit: Int = 1000, now: String = Timestamp.string()) throws -> [InvoiceRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(InvoiceRecord.columns) FROM invoice WHERE state = 'received' AND (retry_at IS NULL OR retry_at <= ?) ORDER BY id LIMIT ?", arguments: [now, limit]).map(InvoiceRecord.init(row:))
        }
    }

    /// When an invoice started waiting for a case system, if it is waiting.
    public func waitingSince(_ id: String) throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT waiting_since FROM invoice WHERE id = ?", arguments: [id]) }
    }

    /// The audit trail of one invoice, oldest first.
    public func events(_ id: String) throws -> [InvoiceEvent] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, invoice_id, at, actor, action, from_state, to_state, detail FROM event WHERE invoice_id = ? ORDER BY id", arguments: [id]).map {
                InvoiceEvent(id: $0[0], invoiceID: $0[1], at: $0[2], actor: $0[3], action: $0[4], fromState: $0[5], toState: $0[6], detail: $0[7])
            }
        }
    }

    /// The stored validation report and decision trace (JSON texts), the trace whole: the steps of the robot that
    /// kept the invoice put back from its decision (`StoredTrace`). The invoice itself is re-read from the kept original.
    public func documents(_ id: String) throws -> (validation: String?, trace: String?) {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT validation_json, trace_json FROM invoice WHERE id = ?", arguments: [id]) else { return (nil, nil) }
            let trace = try (row[1] as String?).map { text in
                try StoredTrace.expanded(text, encoder: encoder) { robot in
                    try String.fetchOne(db, sql: "SELECT trace_json FROM decision WHERE invoice_id = ? AND robot = ? AND mode = 'live' ORDER BY id DESC LIMIT 1", arguments: [id, robot])
                }
            }
            return (row[0], trace)
        }
    }

    /// Counts per state, and per reason within every state but booked: `received` splits into what waits for a
    /// case system (`waiting-for-…`) and what is simply not decided yet (`in-progress`).
    public func counts() throws -> StatusCounts {
        try pool.read { db in
            var c = StatusCounts()
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) FROM invoice GROUP BY state") { c.byState[row[0]] = row[1] }
            for row in try Row.fetchAll(db, sql: "SELECT state, reason_code, COUNT(*) FROM invoice WHERE state IN ('received', 'manual', 'quarantined', 'rejected') GROUP BY state, reason_code") {
                let state: String = row[0]
                c.byReason[state, default: [:]][(row[1] as String?) ?? (state == InvoiceState.received.rawValue ? "in-progress" : "-")] = row[2]
            }
            c.total = c.byState.values.reduce(0, +)
            c.journalEntries = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal_entry") ?? 0
            c.journalUnflushed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal_entry WHERE file IS NULL") ?? 0
            return c
        }
    }

    /// The hash and size of a kept original read for the first time (it could not be read when it was claimed); a
    /// hash once recorded is never replaced.
    public func recordFirstRead(_ id: String, sha256: String, size: Int64) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE invoice SET sha256 = ?, size = ? WHERE id = ? AND sha256 = ''", arguments: [sha256, size, id])
        }
    }

    /// Who changed an invoice's booking proposal, for segregation of duties.
    public func actors(_ id: String, action: String) throws -> Set<String> {
        try pool.read { db in
            Set(try String.fetchAll(db, sql: "SELECT actor FROM event WHERE invoice_id = ? AND action = ?", arguments: [id, action]))
        }
    }

    /// Adds an audit event without a state change (e.g. an operator's correction).
    public func audit(_ id: String, actor: String, action: String, detail: String?) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT INTO event (invoice_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)", arguments: [id, Timestamp.string(), actor, action, detail])
        }
    }
}

/// Counts for `bilag status`.
public struct StatusCounts: Codable, Sendable {
    public var total = 0
    public var byState: [String: Int] = [:]
    public var byReason: [String: [String: Int]] = [:]
    public var journalEntries = 0
    public var journalUnflushed = 0

    enum CodingKeys: String, CodingKey { case total, byState = "by_state", byReason = "by_reason", journalEntries = "journal_entries", journalUnflushed = "journal_unflushed" }
}

extension Store {
    /// The signed totals without VAT and of VAT stored for an invoice.
    public func amounts(_ id: String) throws -> (net: Amount?, vat: Amount?) {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT total_without_vat, total_vat FROM invoice WHERE id = ?", arguments: [id]) else { return (nil, nil) }
            return ((row[0] as String?).flatMap { Amount(parsing: $0) }, (row[1] as String?).flatMap { Amount(parsing: $0) })
        }
    }

    /// The key fields of an invoice as the store holds them, and the hash of its original (an operator's approval
    /// builds its `BookedInvoice` from these): nil when there is no such invoice.
    public func summary(_ id: String) throws -> (summary: InvoiceSummary, sha256: String)? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT syntax, profile, document_kind, invoice_number, issue_date, due_date, seller_key, seller_name, currency, amount_due, total_without_vat, total_vat, sha256 FROM invoice WHERE id = ?", arguments: [id]) else { return nil }
            var s = InvoiceSummary(invoice: Invoice(syntax: .ubl, documentKind: DocumentKind(rawValue: row[2] ?? "invoice") ?? .invoice, profile: .unknown))
            s.syntax = row[0] ?? ""; s.profile = row[1] ?? ""; s.invoiceNumber = row[3]; s.issueDate = row[4]; s.dueDate = row[5]; s.sellerKey = row[6]; s.sellerName = row[7]
            s.currency = row[8]; s.amountDue = row[9]; s.totalWithoutVAT = row[10]; s.totalVAT = row[11]
            return (s, row[12])
        }
    }

    /// The invoices decided from `start` until before `end` (UTC timestamps: the bounds of one local day), and those
    /// waiting for a case system touched then: who decided (`decided_by`), the state, the currency and the amount due,
    /// one row each.
    public func decided(from start: String, until end: String) throws -> [(actor: String, state: String, currency: String?, amountDue: String?)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT COALESCE(decided_by, 'system'), state, currency, amount_due FROM invoice
                WHERE decided_at >= ? AND decided_at < ? OR (state = 'received' AND updated_at >= ? AND updated_at < ?)
                """, arguments: [start, end, start, end]).map { ($0[0], $0[1], $0[2], $0[3]) }
        }
    }
}

extension Store {
    /// An invoice waiting for a case system to answer a lookup (`received`, reason `waiting-for-CONNECTOR`).
    public struct LookupWait: Encodable, Sendable {
        public var invoiceID: String
        public var connector: String
        public var since: String?
        public var nextTry: String?
        /// "waiting for case system X since …, last error: …" (personal ids masked when it was written).
        public var message: String?
        enum CodingKeys: String, CodingKey { case invoiceID = "invoice", connector, since, nextTry = "next_try", message }
    }

    /// The invoices waiting for a case system's answer, longest waiting first, and how many there are in all.
    public func lookupWaits(limit: Int = 50) throws -> (waits: [LookupWait], total: Int) {
        try pool.read { db in
            let filter = "FROM invoice WHERE state = 'received' AND reason_code LIKE 'waiting-for-%'"
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) " + filter) ?? 0
            let waits = try Row.fetchAll(db, sql: "SELECT id, reason_code, waiting_since, retry_at, reason_message " + filter + " ORDER BY waiting_since, id LIMIT ?", arguments: [limit]).map { r in
                LookupWait(invoiceID: r[0], connector: String((r[1] as String).dropFirst("waiting-for-".count)), since: r[2], nextTry: r[3], message: r[4])
            }
            return (waits, total)
        }
    }
}
