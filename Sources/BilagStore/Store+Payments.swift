import BilagCore
import Foundation
import GRDB

/// One payment as the store keeps it: the booking it pays, its state, and (once filed) the one payment file it is in.
///
/// States: `open` (waiting for its execution date, or for credit notes to be set off against it), `held` (a credit
/// note with credit left to set off), `settled` (nothing left to pay: set off in full), `filed` (in a payment file;
/// never again in another), `not-paid` (a booking bilag does not pay: `pay: false`, nothing due).
public struct PaymentRecord: Codable, Sendable, Equatable {
    public var invoiceID: String
    public var seq: Int64
    public var state: String
    public var documentKind: String
    public var supplierKey: String?
    public var supplierName: String?
    public var invoiceNumber: String?
    public var currency: String
    /// What the booking asks for (a credit note: the credit), positive.
    public var amount: Amount
    /// What is left to pay after set-offs (a credit note: the credit left); what a filed payment paid.
    public var openAmount: Amount
    public var dueDate: String?
    public var accountKey: String?
    /// The payee instruction, as JSON (see `PayeeInstruction`).
    public var instruction: String?
    public var reason: String?
    public var file: String?
    public var requestedDate: String?
    public var createdAt: String
    public var filedAt: String?

    enum CodingKeys: String, CodingKey {
        case invoiceID = "invoice_id", seq, state, documentKind = "document_kind", supplierKey = "supplier_key", supplierName = "supplier_name"
        case invoiceNumber = "invoice_number", currency, amount, openAmount = "open_amount", dueDate = "due_date", accountKey = "account_key"
        case instruction, reason, file, requestedDate = "requested_date", createdAt = "created_at", filedAt = "filed_at"
    }

    static let columns = "invoice_id, seq, state, document_kind, supplier_key, supplier_name, invoice_number, currency, amount, open_amount, due_date, account_key, instruction, reason, file, requested_date, created_at, filed_at"

    init(row: Row) {
        invoiceID = row[0]; seq = row[1]; state = row[2]; documentKind = row[3]; supplierKey = row[4]; supplierName = row[5]; invoiceNumber = row[6]
        currency = row[7]; amount = Amount(parsing: row[8]) ?? .zero; openAmount = Amount(parsing: row[9]) ?? .zero; dueDate = row[10]; accountKey = row[11]
        instruction = row[12]; reason = row[13]; file = row[14]; requestedDate = row[15]; createdAt = row[16]; filedAt = row[17]
    }

    public init(invoiceID: String, seq: Int64, state: String, documentKind: String, supplierKey: String?, supplierName: String?, invoiceNumber: String?, currency: String,
                amount: Amount, dueDate: String?, accountKey: String?, instruction: String?, reason: String?, createdAt: String = Timestamp.string()) {
        self.invoiceID = invoiceID; self.seq = seq; self.state = state; self.documentKind = documentKind; self.supplierKey = supplierKey; self.supplierName = supplierName
        self.invoiceNumber = invoiceNumber; self.currency = currency; self.amount = amount; openAmount = amount; self.dueDate = dueDate; self.accountKey = accountKey
        self.instruction = instruction; self.reason = reason; self.createdAt = createdAt
    }
}

/// A payment file as the store records it: `pending` from the moment its payments are assigned to it (before the file
/// exists), `written` once it is in the Outbox.
public struct PaymentFileRecord: Codable, Sendable, Equatable {
    public var id: Int64
    public var writer: String
    public var name: String
    public var state: String
    public var createdAt: String
    public var count: Int
    public var sha256: String?
    public var writtenAt: String?
    enum CodingKeys: String, CodingKey { case id, writer, name, state, createdAt = "created_at", count, sha256, writtenAt = "written_at" }
}

/// One account a supplier is known to be paid into: learnt from an invoice bilag paid (`paid`), imported as supplier
/// master data (`imported`), or confirmed by an operator after a `payee-account-changed` deviation (`confirmed`). An
/// import that adds a new account to a supplier already known is `imported-unconfirmed`: not trusted until another
/// operator than the importer confirms it.
public struct PayeeAccountRecord: Codable, Sendable, Equatable {
    public static let imported = "imported", unconfirmed = "imported-unconfirmed", confirmed = "confirmed", paid = "paid"

    public var supplierKey: String
    public var accountKey: String
    public var label: String
    public var source: String
    public var firstSeen: String
    public var lastSeen: String
    public var invoiceID: String?
    public var confirmedBy: String?
    public var note: String?
    /// The operator who imported it (who added it to the supplier's master data).
    public var importedBy: String?
    public init(supplierKey: String, accountKey: String, label: String, source: String, firstSeen: String = Timestamp.string(), lastSeen: String? = nil,
                invoiceID: String? = nil, confirmedBy: String? = nil, note: String? = nil, importedBy: String? = nil) {
        self.supplierKey = supplierKey; self.accountKey = accountKey; self.label = label; self.source = source; self.firstSeen = firstSeen
        self.lastSeen = lastSeen ?? firstSeen; self.invoiceID = invoiceID; self.confirmedBy = confirmedBy; self.note = note; self.importedBy = importedBy
    }
    enum CodingKeys: String, CodingKey {
        case supplierKey = "supplier_key", accountKey = "account_key", label, source, firstSeen = "first_seen", lastSeen = "last_seen"
        case invoiceID = "invoice_id", confirmedBy = "confirmed_by", note, importedBy = "imported_by"
    }

    /// True when the fraud guard takes it as the supplier's (every source but an import awaiting its confirmation).
    public var trusted: Bool { source != Self.unconfirmed }

    /// True when `actor` vouched for it (imported or confirmed it), so may not also release a payment into it.
    public func vouched(by actor: String) -> Bool { confirmedBy == actor || importedBy == actor }
}

extension Store {
    // MARK: where the payments writer starts

    /// The last booking the payments writer `writer` took up; nil before it first ran.
    public func paymentCursor(_ writer: String) throws -> Int64? {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT last_seq FROM payment_cursor WHERE writer = ?", arguments: [writer]) }
    }

    /// Starts the payments writer `writer` above every booking the store holds now (those were paid before payments
    /// were set up, by the ERP or by hand: bilag never pays them); returns where it stands.
    @discardableResult
    public func startPayments(_ writer: String) throws -> Int64 {
        // Read first: the Outbox service asks at every flush, and a started writer needs no write.
        if let cursor = try paymentCursor(writer) { return cursor }
        return try pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO payment_cursor (writer, last_seq, started_at) SELECT ?, COALESCE(MAX(seq), 0), ? FROM journal_entry",
                           arguments: [writer, Timestamp.string()])
            return try Int64.fetchOne(db, sql: "SELECT last_seq FROM payment_cursor WHERE writer = ?", arguments: [writer]) ?? 0
        }
    }

    /// The bookings after `seq`, oldest first.
    public func bookings(after seq: Int64, limit: Int) throws -> [PendingJournalEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, invoice_id, line, created_at FROM journal_entry WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [seq, limit])
                .map { row -> PendingJournalEntry in
                    let invoiceID: String = row[1], line: String = row[2]
                    return PendingJournalEntry(seq: row[0], invoiceID: invoiceID, line: line, createdAt: row[3], kept: handoff.booked(invoiceID, line: line))
                }
        }
    }

    // MARK: taking bookings up, setting off, filing

    /// In one transaction: records these payments (a booking already taken up is left as it is), learns the payee
    /// accounts of the open ones, and moves the writer's cursor to `seq`.
    ///
    /// The fraud guard once more, at the last moment: an open invoice paying a supplier with known accounts into one
    /// not known for it (two invoices of a new supplier into different accounts, both booked before this take-up) is
    /// `blocked` as `payee-account-changed`, and its account is not learnt.
    public func takeUpPayments(_ writer: String, _ payments: [PaymentRecord], labels: [String: String], through seq: Int64) throws {
        try pool.write { db in
            let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO payment (\(PaymentRecord.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            for var p in payments {
                if p.state == "open", p.documentKind == DocumentKind.invoice.rawValue, let supplier = p.supplierKey, let account = p.accountKey,
                   let known = try Self.unknownAccount(account, of: supplier, db) {
                    p.state = "blocked"
                    p.reason = "\(Self.payeeAccountChanged): \(labels[account] ?? account) is not a known account of \(p.supplierName ?? supplier) (known: \(known)); not paid by bilag — check it with the supplier and pay it by hand"
                }
                try insert.execute(arguments: [p.invoiceID, p.seq, p.state, p.documentKind, p.supplierKey, p.supplierName, p.invoiceNumber, p.currency, p.amount.description,
                                               p.openAmount.description, p.dueDate, p.accountKey, p.instruction, p.reason, p.file, p.requestedDate, p.createdAt, p.filedAt])
                if p.state == "open", p.documentKind == DocumentKind.invoice.rawValue, let supplier = p.supplierKey, let account = p.accountKey {
                    try Self.learn(PayeeAccountRecord(supplierKey: supplier, accountKey: account, label: labels[account] ?? account, source: "paid", firstSeen: p.createdAt, invoiceID: p.invoiceID), db)
                }
            }
            try db.execute(sql: "UPDATE payment_cursor SET last_seq = MAX(last_seq, ?) WHERE writer = ?", arguments: [seq, writer])
        }
    }

    /// Sets every credit note with credit left against the open invoices of the same supplier and currency, the
    /// earliest due first, in one transaction; returns the set-offs made (credit note, invoice, amount).
    @discardableResult
    public func setOffCredits(now: String = Timestamp.string()) throws -> [(credit: String, invoice: String, amount: Amount)] {
        // Read first: at most flushes there is no credit with an open invoice to set it against, and nothing to write.
        let due = try pool.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM payment c JOIN payment i ON i.state = 'open' AND i.document_kind = 'invoice' AND i.supplier_key = c.supplier_key
                  AND i.currency = c.currency WHERE c.state = 'held')
                """) ?? false
        }
        guard due else { return [] }
        return try pool.write { db in
            var made: [(String, String, Amount)] = []
            let credits = try Row.fetchAll(db, sql: "SELECT \(PaymentRecord.columns) FROM payment WHERE state = 'held' ORDER BY seq").map(PaymentRecord.init(row:))
            for var credit in credits {
                let invoices = try Row.fetchAll(db, sql: """
                    SELECT \(PaymentRecord.columns) FROM payment WHERE state = 'open' AND document_kind = 'invoice' AND supplier_key = ? AND currency = ?
                    ORDER BY COALESCE(due_date, '9999'), seq
                    """, arguments: [credit.supplierKey, credit.currency]).map(PaymentRecord.init(row:))
                for var invoice in invoices where credit.openAmount > .zero {
                    let take = min(credit.openAmount, invoice.openAmount)
                    guard take > .zero else { continue }
                    credit.openAmount = credit.openAmount - take
                    invoice.openAmount = invoice.openAmount - take
                    let settled = invoice.openAmount <= .zero
                    try db.execute(sql: "UPDATE payment SET open_amount = ?, state = ?, reason = ? WHERE invoice_id = ?",
                                   arguments: [invoice.openAmount.description, settled ? "settled" : "open", "credit note \(credit.invoiceID) set off \(take)", invoice.invoiceID])
                    try db.execute(sql: "INSERT OR REPLACE INTO payment_setoff (credit_id, invoice_id, amount, at) VALUES (?, ?, ?, ?)", arguments: [credit.invoiceID, invoice.invoiceID, take.description, now])
                    made.append((credit.invoiceID, invoice.invoiceID, take))
                }
                try db.execute(sql: "UPDATE payment SET open_amount = ?, state = ? WHERE invoice_id = ?",
                               arguments: [credit.openAmount.description, credit.openAmount > .zero ? "held" : "settled", credit.invoiceID])
            }
            return made
        }
    }

    static let allPaymentsSQL = "SELECT \(PaymentRecord.columns) FROM payment ORDER BY seq"
    /// The payments in one state: a search of the `payment_open` index.
    public static let paymentsInStateSQL = "SELECT \(PaymentRecord.columns) FROM payment WHERE state = ? ORDER BY seq"

    /// The payments in `state` (all when nil), oldest booking first.
    public func payments(state: String? = nil) throws -> [PaymentRecord] {
        try pool.read { db in
            // Two queries, not `(? IS NULL OR state = ?)`: that form keeps SQLite from using the `payment_open` index,
            // and the payments writer asks for the open payments at every flush.
            guard let state else { return try Row.fetchAll(db, sql: Self.allPaymentsSQL).map(PaymentRecord.init(row:)) }
            return try Row.fetchAll(db, sql: Self.paymentsInStateSQL, arguments: [state]).map(PaymentRecord.init(row:))
        }
    }

    /// The payments filed in `file`, by sequence number.
    public func payments(inFile file: String) throws -> [PaymentRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(PaymentRecord.columns) FROM payment WHERE file = ? ORDER BY seq", arguments: [file]).map(PaymentRecord.init(row:))
        }
    }

    /// The payment of invoice `id`, if it was taken up.
    public func payment(_ id: String) throws -> PaymentRecord? {
        try pool.read { db in try Row.fetchOne(db, sql: "SELECT \(PaymentRecord.columns) FROM payment WHERE invoice_id = ?", arguments: [id]).map(PaymentRecord.init(row:)) }
    }

    /// In one transaction: a new `pending` payment file named by `name(id)`, and each chosen payment that is still
    /// `open` filed in it with its requested execution date. Nil when none was still open. Once this commits, those
    /// payments belong to that file for good: a crash before the file is written leaves it pending, and it is written
    /// again with the same content.
    ///
    /// `render` lays the file out from its record and payments inside that transaction; its bytes are kept with the
    /// record (`paymentFileContent`), so that the file written later is the one filed, whatever changed in between.
    public func filePayments(_ writer: String, _ chosen: [(invoiceID: String, requestedDate: String)], name: (Int64) -> String, now: String = Timestamp.string(),
                             render: ((PaymentFileRecord, [PaymentRecord]) throws -> Data)? = nil) throws -> PaymentFileRecord? {
        guard !chosen.isEmpty else { return nil }
        return try pool.write { db in
            let id = (try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM payment_file") ?? 0) + 1
            let file = name(id)
            let mark = try db.cachedStatement(sql: "UPDATE payment SET state = 'filed', file = ?, requested_date = ?, filed_at = ? WHERE invoice_id = ? AND state = 'open' AND file IS NULL")
            var count = 0
            for c in chosen {
                try mark.execute(arguments: [file, c.requestedDate, now, c.invoiceID])
                count += db.changesCount
            }
            guard count > 0 else { return nil }
            let record = PaymentFileRecord(id: id, writer: writer, name: file, state: "pending", createdAt: now, count: count)
            let content = try render.map { render in
                try render(record, try Row.fetchAll(db, sql: "SELECT \(PaymentRecord.columns) FROM payment WHERE file = ? ORDER BY seq", arguments: [file]).map(PaymentRecord.init(row:)))
            }
            try db.execute(sql: "INSERT INTO payment_file (id, writer, name, state, created_at, count, content) VALUES (?, ?, ?, 'pending', ?, ?, ?)",
                           arguments: [id, writer, file, now, count, content])
            return record
        }
    }

    /// The bytes the payment file `name` was rendered with when it was filed; nil for a file filed without them.
    public func paymentFileContent(_ name: String) throws -> Data? {
        try pool.read { db in try Data.fetchOne(db, sql: "SELECT content FROM payment_file WHERE name = ?", arguments: [name]) }
    }

    static let paymentFileColumns = "id, writer, name, state, created_at, count, sha256, written_at"
    /// One writer's payment files: a search of the `payment_file_writer` index (asked at every flush).
    static let paymentFilesOfWriterSQL = "SELECT \(paymentFileColumns) FROM payment_file WHERE writer = ? ORDER BY id"

    /// The payment files of `writer` (all when nil), oldest first.
    public func paymentFiles(_ writer: String? = nil) throws -> [PaymentFileRecord] {
        try pool.read { db in
            // Two queries, not `(? IS NULL OR writer = ?)`, which keeps SQLite from using the index.
            let rows = try writer.map { try Row.fetchAll(db, sql: Self.paymentFilesOfWriterSQL, arguments: [$0]) }
                ?? Row.fetchAll(db, sql: "SELECT \(Self.paymentFileColumns) FROM payment_file ORDER BY id")
            return rows.map { PaymentFileRecord(id: $0[0], writer: $0[1], name: $0[2], state: $0[3], createdAt: $0[4], count: $0[5], sha256: $0[6], writtenAt: $0[7]) }
        }
    }

    /// Records that the payment file `name` is in the Outbox, with the SHA-256 of its bytes; the bytes kept for writing
    /// it are dropped (its manifest describes it from now on), so the store does not grow by every file it wrote.
    public func markPaymentFileWritten(_ name: String, sha256: String, now: String = Timestamp.string()) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE payment_file SET state = 'written', sha256 = ?, written_at = ?, content = NULL WHERE name = ?", arguments: [sha256, now, name])
        }
    }

    /// Records a payment file a rebuilt store finds in its Outbox (from its manifest) as written, and its payments as
    /// filed in it (those whose booking the store holds), so that they are never paid again; one transaction.
    public func adoptPaymentFile(_ writer: String, name: String, createdAt: String, sha256: String, payments: [(invoiceID: String, seq: Int64, currency: String, amount: Amount, requestedDate: String?)]) throws {
        try pool.write { db in
            let id = (try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM payment_file") ?? 0) + 1
            try db.execute(sql: "INSERT OR IGNORE INTO payment_file (id, writer, name, state, created_at, count, sha256, written_at) VALUES (?, ?, ?, 'written', ?, ?, ?, ?)",
                           arguments: [id, writer, name, createdAt, payments.count, sha256, createdAt])
            let insert = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO payment (invoice_id, seq, state, document_kind, currency, amount, open_amount, reason, file, requested_date, created_at, filed_at)
                SELECT ?, ?, 'filed', 'invoice', ?, ?, ?, 'adopted by store rebuild', ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM journal_entry WHERE seq = ? AND invoice_id = ?)
                """)
            for p in payments {
                try insert.execute(arguments: [p.invoiceID, p.seq, p.currency, p.amount.description, p.amount.description, name, p.requestedDate, createdAt, createdAt, p.seq, p.invoiceID])
            }
        }
    }

    // MARK: the fraud guard's questions

    static let payeeAccountChanged = "payee-account-changed"

    /// The supplier's known accounts as a list, when it has some and `account` is not a trusted one of them; nil when
    /// it may be paid into.
    static func unknownAccount(_ account: String, of supplier: String, _ db: Database) throws -> String? {
        let known = try Row.fetchAll(db, sql: "SELECT account_key, label, source FROM payee_account WHERE supplier_key = ? ORDER BY first_seen", arguments: [supplier])
        guard !known.isEmpty, !known.contains(where: { $0[0] == account && ($0[2] as String) != PayeeAccountRecord.unconfirmed }) else { return nil }
        return known.map { "\($0[1] as String) (\($0[2] as String))" }.joined(separator: "; ")
    }

    /// The bookings of `supplier` the payments writer has not taken up yet: journal entries after `cursor` (none
    /// before the writer started), and bookings held for their write-backs, oldest first.
    public func bookingsNotTakenUp(supplier: String, after cursor: Int64?) throws -> [PendingJournalEntry] {
        try pool.read { db in
            var out: [PendingJournalEntry] = []
            if let cursor {
                out = try Row.fetchAll(db, sql: "SELECT seq, invoice_id, line, created_at FROM journal_entry WHERE seq > ? AND json_extract(line, '$.supplier_key') = ? ORDER BY seq",
                                       arguments: [cursor, supplier]).map { PendingJournalEntry(seq: $0[0], invoiceID: $0[1], line: $0[2], createdAt: $0[3]) }
            }
            out += try Row.fetchAll(db, sql: "SELECT invoice_id, line, held_at FROM held_booking WHERE json_extract(line, '$.supplier_key') = ? ORDER BY held_at", arguments: [supplier])
                .map { PendingJournalEntry(seq: 0, invoiceID: $0[0], line: $0[1], createdAt: $0[2]) }
            return out
        }
    }

    /// True when an invoice of `supplier` in `currency` is waiting to be paid: taken up and still open, or booked
    /// (to be paid) after the payments writer's cursor and not yet taken up.
    public func hasOpenInvoice(supplier: String, currency: String?, after cursor: Int64?) throws -> Bool {
        try pool.read { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM payment WHERE state = 'open' AND document_kind = 'invoice' AND supplier_key = ? AND (? IS NULL OR currency = ?))",
                                 arguments: [supplier, currency, currency]) == true { return true }
            guard let cursor else { return false }
            return try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM journal_entry WHERE seq > ? AND json_extract(line, '$.supplier_key') = ? AND json_extract(line, '$.document_kind') = 'invoice'
                  AND json_extract(line, '$.pay') = 1 AND (? IS NULL OR json_extract(line, '$.currency') = ?))
                """, arguments: [cursor, supplier, currency, currency]) == true
        }
    }

    static let payeeAccountColumns = "supplier_key, account_key, label, source, first_seen, last_seen, invoice_id, confirmed_by, note, imported_by"
    /// One supplier's known accounts: a search of the table's key (supplier, account), asked for every invoice a
    /// robot would pay.
    static let payeeAccountsOfSupplierSQL = "SELECT \(payeeAccountColumns) FROM payee_account WHERE supplier_key = ? ORDER BY first_seen"

    /// The accounts `supplier` is known to be paid into (every supplier's when nil), oldest first.
    public func payeeAccounts(supplier: String? = nil) throws -> [PayeeAccountRecord] {
        try pool.read { db in
            // Two queries, not `(? IS NULL OR supplier_key = ?)`, which keeps SQLite from searching by the key.
            let rows = try supplier.map { try Row.fetchAll(db, sql: Self.payeeAccountsOfSupplierSQL, arguments: [$0]) }
                ?? Row.fetchAll(db, sql: "SELECT \(Self.payeeAccountColumns) FROM payee_account ORDER BY supplier_key, first_seen")
            return rows.map {
                PayeeAccountRecord(supplierKey: $0[0], accountKey: $0[1], label: $0[2], source: $0[3], firstSeen: $0[4], lastSeen: $0[5], invoiceID: $0[6], confirmedBy: $0[7], note: $0[8],
                                   importedBy: $0[9])
            }
        }
    }

    /// Adds known payee accounts (supplier master data, an operator's confirmation) and audits it, in one transaction.
    /// An account already known keeps its history; a confirmation records who confirmed it.
    public func addPayeeAccounts(_ accounts: [PayeeAccountRecord], actor: String, action: String, subject: String, detail: String?) throws {
        try pool.write { db in
            for a in accounts { try Self.learn(a, db) }
            try db.execute(sql: "INSERT INTO audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)", arguments: [Timestamp.string(), actor, action, subject, detail])
        }
    }

    /// Adds an account, or updates the one known: its last sighting, who confirmed it (an import awaiting its
    /// confirmation becomes `confirmed` by it), its note. Who imported it is who first did (an import of an account
    /// already known adds nobody).
    static func learn(_ a: PayeeAccountRecord, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO payee_account (supplier_key, account_key, label, source, first_seen, last_seen, invoice_id, confirmed_by, note, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (supplier_key, account_key) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen),
              source = CASE WHEN source = '\(PayeeAccountRecord.unconfirmed)' AND excluded.source = '\(PayeeAccountRecord.confirmed)' THEN excluded.source ELSE source END,
              invoice_id = CASE WHEN source = '\(PayeeAccountRecord.unconfirmed)' AND excluded.source = '\(PayeeAccountRecord.confirmed)' THEN excluded.invoice_id ELSE invoice_id END,
              confirmed_by = COALESCE(excluded.confirmed_by, confirmed_by), note = COALESCE(excluded.note, note)
            """, arguments: [a.supplierKey, a.accountKey, a.label, a.source, a.firstSeen, a.lastSeen, a.invoiceID, a.confirmedBy, a.note, a.importedBy])
    }
}
