import BilagCore
import Foundation
import GRDB

/// Case updates (robots' write-backs) and the bookings they hold.
///
/// An update is `pending` until its case system confirms it (`sent`; for a connector that takes files, once its file
/// is written), is definitively refused (`refused`), is given up at the case-system deadline (`failed`), or is dropped
/// because its invoice will not be booked after all (`withdrawn`). A booking whose robot writes back is **held**
/// (`held_booking`) until every one of its write-backs is confirmed; only then is it **released**: its
/// `journal_entry` is created, which is what every Outbox writer (ERP files, payments) reads. "Released" is exactly
/// "has a `journal_entry`" (`isReleased`). A refusal or a give-up sends the invoice to the manual queue and never
/// releases it; a write-back that took effect for an invoice that then is not booked is reversed by a compensating
/// update with its own idempotency key, where the robot names one (`compensate:`).
extension Store {
    /// What an update's end did to its invoice.
    public enum CaseUpdateEnd: Equatable, Sendable {
        /// The invoice's held booking was withdrawn and the invoice sent to manual with this reason.
        case sentToManual(invoiceID: String, reason: String)
        /// A compensating update ended so: its invoice stays as it is; `bilag report check` lists it.
        case compensationEnded(invoiceID: String)
        /// The update's booking was released already (or there was none): only the update is marked.
        case markedOnly(invoiceID: String)
        /// The update was not pending (another process marked it).
        case notPending
    }

    /// A case update as `queue show`, `status` and `report check` list it.
    public struct CaseUpdateRow: Sendable, Codable, Equatable {
        public var id: Int64
        public var invoiceID: String
        public var connector: String
        public var action: String
        public var idempotencyKey: String
        public var state: String
        public var attempts: Int
        public var lastError: String?
        public var createdAt: String
        public var sentAt: String?
        public var retryAt: String?
        public var failingSince: String?
        public var compensates: String?
        public var file: String?
        enum CodingKeys: String, CodingKey {
            case id, invoiceID = "invoice_id", connector, action, idempotencyKey = "idempotency_key", state, attempts, lastError = "last_error", createdAt = "created_at"
            case sentAt = "sent_at", retryAt = "retry_at", failingSince = "failing_since", compensates, file
        }
    }

    static let caseUpdateColumns = "id, invoice_id, connector, action, idempotency_key, state, attempts, last_error, created_at, sent_at, retry_at, failing_since, compensates, file"

    static func caseUpdateRow(_ r: Row) -> CaseUpdateRow {
        CaseUpdateRow(id: r[0], invoiceID: r[1], connector: r[2], action: r[3], idempotencyKey: r[4], state: r[5], attempts: r[6], lastError: r[7], createdAt: r[8],
                      sentAt: r[9], retryAt: r[10], failingSince: r[11], compensates: r[12], file: r[13])
    }

    /// Pending updates whose time has come (`now`, an ISO timestamp: those whose retry time has not passed wait),
    /// oldest first. Without `now`, every pending update. One another sender is sending is listed too: a sender
    /// claims each before it sends it (`claimCaseUpdate`), which settles who sends it, and whether a claim left by a
    /// sender killed while sending still stands.
    public func pendingCaseUpdates(limit: Int, now: String? = nil) throws -> [PendingCaseUpdate] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, invoice_id, connector, action, payload, idempotency_key, attempts, failing_since, compensates FROM case_update
                WHERE state = 'pending' AND (? IS NULL OR retry_at IS NULL OR retry_at <= ?)
                  AND (compensates IS NOT NULL OR NOT EXISTS (\(Self.pendingReversalOfInvoice))) ORDER BY id LIMIT ?
                """, arguments: [now, now, limit]).map {
                PendingCaseUpdate(id: $0[0], invoiceID: $0[1], connector: $0[2], action: $0[3], payload: $0[4], idempotencyKey: $0[5], attempts: $0[6], failingSince: $0[7], compensates: $0[8])
            }
        }
    }

    /// A reversal of the same invoice not yet settled: while there is one, none of the invoice's own write-backs is sent
    /// (a re-run's new key never goes out before the reversal of the old one, so the reversal cannot undo it).
    static let pendingReversalOfInvoice = "SELECT 1 FROM case_update r WHERE r.invoice_id = case_update.invoice_id AND r.compensates IS NOT NULL AND r.state = 'pending'"

    /// The idempotency key to send a re-run's write-back under, when it differs from its own: a re-run queued while
    /// the reversal of the earlier write-back was pending went under a new key; if that reversal was then refused,
    /// the earlier write-back is still in force and the request carries the earlier key (the case system answers
    /// "already done") rather than applying it a second time.
    public func caseUpdateWireKey(_ id: Int64) throws -> String? {
        try pool.read { db in
            guard let after = try String.fetchOne(db, sql: "SELECT after_reversal FROM case_update WHERE id = ?", arguments: [id]) else { return nil }
            return try String.fetchOne(db, sql: "SELECT compensates FROM case_update WHERE idempotency_key = ? AND state IN ('refused', 'withdrawn')", arguments: [after])
        }
    }

    /// When the next pending update falls due (nil: none waits for a later time).
    public func nextCaseUpdateRetry() throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT MIN(retry_at) FROM case_update WHERE state = 'pending' AND retry_at IS NOT NULL") }
    }

    /// Marks an update confirmed; returns the invoices whose held bookings this released.
    @discardableResult
    public func markCaseUpdateSent(_ id: Int64) throws -> [String] { try markCaseUpdatesSent([id]) }

    /// Marks updates confirmed (delivered as `file`, for updates written as files) and releases, in the same
    /// transaction, every held booking whose write-backs are now all confirmed. Returns the invoices released.
    @discardableResult
    public func markCaseUpdatesSent(_ ids: [Int64], file: String? = nil) throws -> [String] {
        guard !ids.isEmpty else { return [] }
        let now = Timestamp.string()
        return try pool.write { db in
            let statement = try db.cachedStatement(sql: "UPDATE case_update SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL, retry_at = NULL, file = COALESCE(?, file), claimed_by = NULL, claimed_until = NULL WHERE id = ? AND state = 'pending'")
            // Confirmed after it was withdrawn or given up (its invoice left the way to booking while it was on its way):
            // it took effect all the same, so it is recorded as sent and reversed.
            let late = try db.cachedStatement(sql: "UPDATE case_update SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL, retry_at = NULL, file = COALESCE(?, file), claimed_by = NULL, claimed_until = NULL WHERE id = ? AND state IN ('withdrawn', 'failed') AND compensates IS NULL")
            let invoice = try db.cachedStatement(sql: "SELECT invoice_id FROM case_update WHERE id = ?")
            var invoices: [String] = [], reverse: [String] = [], seen = Set<String>()
            for id in ids {
                try statement.run(db) { b in b.text(now); b.text(file); b.int(id) }
                var confirmedLate = false
                if db.changesCount == 0 {
                    try late.run(db) { b in b.text(now); b.text(file); b.int(id) }
                    confirmedLate = db.changesCount == 1
                }
                guard let i = try invoice.firstText(db, { $0.int(id) }) else { continue }
                if seen.insert(i).inserted { invoices.append(i) }
                if confirmedLate, !reverse.contains(i) { reverse.append(i) }
            }
            for i in reverse {
                try db.execute(sql: "INSERT INTO event (invoice_id, at, actor, action, detail) VALUES (?, ?, 'system', 'case-update-confirmed-late', ?)",
                               arguments: [i, now, "{\"why\":\"a withdrawn write-back was confirmed by its case system: it took effect and is reversed\"}"])
                try insertCompensations(i, now: now, db: db)
            }
            return try invoices.filter { try releaseIfConfirmed($0, now: now, db: db) }
        }
    }

    /// A send failed (the case system is down): tried again at `retryAt`, with the same idempotency key.
    public func markCaseUpdateFailed(_ id: Int64, error: String, retryAt: String? = nil, now: String = Timestamp.string()) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE case_update SET attempts = attempts + 1, last_error = ?, retry_at = ?, failing_since = COALESCE(failing_since, ?), claimed_by = NULL, claimed_until = NULL WHERE id = ? AND state = 'pending'",
                           arguments: [error, retryAt, now, id])
        }
    }

    /// The case system definitively refused the update (a 4xx): it is not sent again; `error` is its message. A held
    /// booking is withdrawn and its invoice goes to manual as `case-update-refused`.
    @discardableResult
    public func markCaseUpdateRefused(_ id: Int64, error: String) throws -> CaseUpdateEnd {
        try end(id, state: "refused", error: error, reason: "case-update-refused") { row, _ in
            "case system \(row.connector) refused write-back \(row.action): \(error); fix the case (or the robot) and re-run it with `bilag queue retry` (the same idempotency key is used), book it by hand with `bilag queue approve`, or reject it"
        }
    }

    /// The update was not confirmed by the case-system deadline: it is given up (`failed`). A held booking is withdrawn
    /// and its invoice goes to manual as `case-system-unavailable`; whether the case system applied it is unknown, so
    /// `bilag report check` lists it for a person to look at.
    @discardableResult
    public func giveUpCaseUpdate(_ id: Int64, error: String) throws -> CaseUpdateEnd {
        try end(id, state: "failed", error: error, reason: "case-system-unavailable") { row, reversed in
            reversed
                ? "case system \(row.connector) did not confirm write-back \(row.action) by the deadline (last error: \(error)); it may have applied it, so it is being reversed: once the reversal is confirmed, re-run with `bilag queue retry` (the write-back goes again under a new key), or approve or reject"
                : "case system \(row.connector) did not confirm write-back \(row.action) by the deadline (last error: \(error)); it may or may not have applied it: check the case, then re-run with `bilag queue retry` (same idempotency key), approve or reject"
        }
    }

    /// `message`: the invoice's reason, told whether the ended write-back itself is being reversed.
    private func end(_ id: Int64, state: String, error: String, reason: String, message: (CaseUpdateRow, Bool) -> String) throws -> CaseUpdateEnd {
        let now = Timestamp.string()
        return try pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.caseUpdateColumns) FROM case_update WHERE id = ? AND state = 'pending'", arguments: [id]).map(Self.caseUpdateRow) else { return .notPending }
            try db.execute(sql: "UPDATE case_update SET state = ?, attempts = attempts + 1, last_error = ?, retry_at = NULL, claimed_by = NULL, claimed_until = NULL WHERE id = ?", arguments: [state, error, id])
            if row.compensates != nil { return .compensationEnded(invoiceID: row.invoiceID) }
            try db.execute(sql: "DELETE FROM held_booking WHERE invoice_id = ?", arguments: [row.invoiceID])
            guard db.changesCount == 1 else { return .markedOnly(invoiceID: row.invoiceID) }
            // The booking is withdrawn: its other write-backs are not sent, and those that took effect are reversed.
            try db.execute(sql: "UPDATE case_update SET state = 'withdrawn', retry_at = NULL WHERE invoice_id = ? AND state = 'pending' AND compensates IS NULL", arguments: [row.invoiceID])
            try insertCompensations(row.invoiceID, now: now, db: db)
            let reversed = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM case_update WHERE compensates = ?)", arguments: [row.idempotencyKey]) ?? false
            let text = PersonalData.maskCPR(message(row, reversed))
            try db.execute(sql: "UPDATE invoice SET state = 'manual', reason_code = ?, reason_message = ?, decided_by = 'system', decided_at = ?, updated_at = ? WHERE id = ? AND state = 'booked'",
                           arguments: [reason, text, now, now, row.invoiceID])
            let detail = try String(decoding: encoder.encode(["reason_code": reason, "reason": text, "connector": row.connector, "action": row.action, "idempotency_key": row.idempotencyKey]), as: UTF8.self)
            try db.execute(sql: "INSERT INTO event (invoice_id, at, actor, action, from_state, to_state, detail) VALUES (?, ?, 'system', ?, 'booked', 'manual', ?)",
                           arguments: [row.invoiceID, now, state == "refused" ? "case-update-refused" : "case-update-given-up", detail])
            return .sentToManual(invoiceID: row.invoiceID, reason: reason)
        }
    }

    // MARK: inside `apply`

    /// A booking's write-backs, queued with it; a refused, withdrawn or given-up update with the same key (an
    /// operator's re-run) is queued again under that key. The booking is held until they are all confirmed (released
    /// at once when they are: a re-run whose write-backs were confirmed before).
    func hold(_ o: Outcome, line: JSONBytes, now: String, db: Database, _ statements: inout OutcomeStatements) throws {
        let insert = try statements(.insertCaseUpdate), reversal = try statements(.reversalState)
        var queued = false
        for u in o.caseUpdates {
            let (key, payload, after) = try Self.effectiveKey(u, db: db, reversal: reversal)
            try insert.run(db) { b in b.text(o.invoiceID); b.text(u.connector); b.text(u.action); b.text(payload); b.text(key); b.text(now); b.text(after) }
            // Inserted, or queued again: pending. Unchanged: that key's write-back was confirmed before (or is pending).
            if db.changesCount > 0 { queued = true }
        }
        try statements(.holdBooking).run(db) { b in b.text(o.invoiceID); b.text(now); b.json(line) }
        // A write-back just queued is pending, so nothing can be released yet: only a booking none of whose write-backs
        // was queued now (a re-run whose write-backs were all confirmed before) is asked.
        if !queued { _ = try releaseIfConfirmed(o.invoiceID, now: now, db: db) }
    }

    /// The key a write-back goes under: its own, unless an earlier write-back under that key was reversed (a re-run
    /// after a compensation). Then the case system would answer "already done" to the old key, and the effect would be
    /// missing: it goes under the next free key `KEY-2`, `KEY-3`, … (the payload carries it too).
    ///
    /// - Only a reversal the case system confirmed (`sent`) moves on to a new key. One it refused leaves the earlier
    ///   write-back in force: the same key is used again, and the case system answers "already done".
    /// - While the reversal is pending its outcome is unknown: the write-back goes under the new key, waits (it is not
    ///   sent while a reversal of its invoice is pending), and names the reversal (`after_reversal`); if that is then
    ///   refused, the request carries the earlier key instead (`caseUpdateWireKey`).
    static func effectiveKey(_ u: NewCaseUpdate, db: Database, reversal: Statement) throws -> (key: String, payload: String, afterReversal: String?) {
        var key = u.idempotencyKey
        var n = 1
        var after: String?
        while let state = try reversal.firstText(db, { $0.text(key + "-c") }), state == "sent" || state == "pending" {
            after = state == "pending" ? key + "-c" : nil
            n += 1
            key = u.idempotencyKey + "-\(n)"
        }
        guard n > 1, var payload = (try? JSONSerialization.jsonObject(with: Data(u.payload.utf8))) as? [String: Any] else { return (key, u.payload, after) }
        payload["idempotency_key"] = key
        return (key, String(decoding: try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self), after)
    }

    /// The journal entry of a held booking none of whose write-backs is pending (`releaseIfConfirmed`): no row when
    /// the invoice has no held booking or a write-back is pending.
    static let releaseSQL = """
        INSERT INTO journal_entry (invoice_id, created_at, line) SELECT invoice_id, ?, line FROM held_booking WHERE invoice_id = ?
          AND NOT EXISTS (SELECT 1 FROM case_update WHERE invoice_id = ? AND state = 'pending' AND compensates IS NULL)
        """

    /// Releases the invoice's held booking when none of its write-backs is pending: its journal entry is created.
    func releaseIfConfirmed(_ invoiceID: String, now: String, db: Database) throws -> Bool {
        // The held line moves as it is, inside SQLite (it is not read into a string and bound again), in the one
        // statement that also asks whether the booking is held and none of its write-backs is pending.
        try db.cachedStatement(sql: Self.releaseSQL).run(db) { b in b.text(now); b.text(invoiceID); b.text(invoiceID) }
        guard db.changesCount == 1 else { return false }
        try db.cachedStatement(sql: "DELETE FROM held_booking WHERE invoice_id = ?").run(db) { $0.text(invoiceID) }
        try db.cachedStatement(sql: "INSERT INTO event (invoice_id, at, actor, action, from_state, to_state, detail) VALUES (?, ?, 'system', 'released', 'booked', 'booked', ?)")
            .run(db) { b in b.text(invoiceID); b.text(now); b.text("{\"why\":\"every write-back was confirmed by its case system\"}") }
        return true
    }

    /// For each write-back of the invoice that took effect (or may have) and names a compensating action, a compensating update
    /// (same connector and params, the robot's `compensate:` action, its own idempotency key: the original's + `-c`).
    /// Called whenever an invoice leaves the way to booking (manual, rejected): "reduced and paid, or neither".
    func insertCompensations(_ invoiceID: String, now: String, db: Database) throws {
        // Sent, or given up (it may have taken effect: a case system's reversal of what it never applied changes nothing).
        let sent = try Row.fetchAll(db.cachedStatement(sql: "SELECT connector, payload, idempotency_key FROM case_update WHERE invoice_id = ? AND state IN ('sent', 'failed') AND compensates IS NULL"), arguments: [invoiceID])
        for r in sent {
            let payload: String = r[1], key: String = r[2]
            guard var update = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any], let action = update["compensate"] as? String else { continue }
            let reverse = key + "-c"
            update["action"] = action
            update["idempotency_key"] = reverse
            update["compensates"] = key
            update.removeValue(forKey: "compensate")
            let json = String(decoding: try JSONSerialization.data(withJSONObject: update, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
            try db.execute(sql: "INSERT OR IGNORE INTO case_update (invoice_id, connector, action, payload, idempotency_key, created_at, compensates) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [invoiceID, r[0] as String, action, json, reverse, now, key])
            if db.changesCount == 1 {
                try db.execute(sql: "INSERT INTO event (invoice_id, at, actor, action, detail) VALUES (?, ?, 'system', 'compensation-queued', ?)",
                               arguments: [invoiceID, now, try String(decoding: encoder.encode(["reverses": key, "action": action, "idempotency_key": reverse]), as: UTF8.self)])
            }
        }
    }

    // MARK: reading

    /// True when the invoice's booking is released: it has a journal entry, so the Outbox writers (ERP files) and
    /// payments may take it. The one notion of "released": a held booking (waiting for its write-backs) is not.
    public func isReleased(_ invoiceID: String) throws -> Bool {
        try pool.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM journal_entry WHERE invoice_id = ?)", arguments: [invoiceID]) ?? false }
    }

    /// True when the invoice's booking is held for its write-backs.
    public func isHeld(_ invoiceID: String) throws -> Bool {
        try pool.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM held_booking WHERE invoice_id = ?)", arguments: [invoiceID]) ?? false }
    }

    /// Bookings held for their write-backs: invoice → since when.
    public func heldBookings() throws -> [String: String] {
        try pool.read { db in
            var out: [String: String] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT invoice_id, held_at FROM held_booking") { out[r[0]] = r[1] }
            return out
        }
    }

    /// How many bookings are held for their write-backs.
    public func heldBookingCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM held_booking") ?? 0 }
    }

    /// The case updates of one invoice, oldest first.
    public func caseUpdates(invoice id: String) throws -> [CaseUpdateRow] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT \(Self.caseUpdateColumns) FROM case_update WHERE invoice_id = ? ORDER BY id", arguments: [id]).map(Self.caseUpdateRow) }
    }

    /// Case updates in these states, oldest first.
    public func caseUpdates(states: [String], limit: Int = 1000) throws -> [CaseUpdateRow] {
        guard !states.isEmpty else { return [] }
        return try pool.read { db in
            let marks = Array(repeating: "?", count: states.count).joined(separator: ",")
            return try Row.fetchAll(db, sql: "SELECT \(Self.caseUpdateColumns) FROM case_update WHERE state IN (\(marks)) ORDER BY id LIMIT ?", arguments: StatementArguments(states.map { $0 as DatabaseValueConvertible } + [limit])).map(Self.caseUpdateRow)
        }
    }

    /// Case updates the case systems refused, oldest first: (invoice, connector, action, message).
    public func refusedCaseUpdates(limit: Int = 1000) throws -> [(invoiceID: String, connector: String, action: String, error: String?)] {
        try caseUpdates(states: ["refused"], limit: limit).map { ($0.invoiceID, $0.connector, $0.action, $0.lastError) }
    }

    /// How many case updates are in each state.
    public func caseUpdateCounts() throws -> [String: Int] {
        try pool.read { db in
            var out: [String: Int] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) FROM case_update GROUP BY state") { out[r[0]] = r[1] }
            return out
        }
    }

    /// The invoices whose case updates are not all confirmed, or that have updates and a booking state that do not
    /// agree, with what the store knows of each: for `bilag report check`.
    public func caseUpdateSubjects() throws -> [(invoice: InvoiceRecord, released: Bool, held: Bool, updates: [CaseUpdateRow])] {
        try pool.read { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT DISTINCT u.invoice_id FROM case_update u JOIN invoice i ON i.id = u.invoice_id
                WHERE u.state <> 'sent' OR i.state <> 'booked' OR u.compensates IS NOT NULL
                   OR NOT EXISTS (SELECT 1 FROM journal_entry e WHERE e.invoice_id = u.invoice_id)
                ORDER BY u.invoice_id
                """)
            return try ids.compactMap { id in
                guard let r = try Row.fetchOne(db, sql: "SELECT \(InvoiceRecord.columns) FROM invoice WHERE id = ?", arguments: [id]).map(InvoiceRecord.init(row:)) else { return nil }
                let released = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM journal_entry WHERE invoice_id = ?)", arguments: [id]) ?? false
                let held = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM held_booking WHERE invoice_id = ?)", arguments: [id]) ?? false
                let updates = try Row.fetchAll(db, sql: "SELECT \(Self.caseUpdateColumns) FROM case_update WHERE invoice_id = ? ORDER BY id", arguments: [id]).map(Self.caseUpdateRow)
                return (r, released, held, updates)
            }
        }
    }

    // MARK: updates as files

    /// The files this connector's updates were written to (for taking over a file a writer killed before its mark left).
    public func caseUpdateFileNames(connector: String) throws -> Set<String> {
        try pool.read { db in Set(try String.fetchAll(db, sql: Self.caseUpdateFileNamesSQL, arguments: [connector])) }
    }

    /// Searches by `case_update_connector_file` (`StoreQueryPlanTests`).
    static let caseUpdateFileNamesSQL = "SELECT DISTINCT file FROM case_update WHERE connector = ? AND file IS NOT NULL"


    /// The pending updates among these idempotency keys: key → id.
    public func pendingCaseUpdateIDs(keys: [String]) throws -> [String: Int64] {
        try pool.read { db in
            var out: [String: Int64] = [:]
            let find = try db.cachedStatement(sql: "SELECT id FROM case_update WHERE idempotency_key = ? AND state = 'pending'")
            for k in keys { if let id = try Int64.fetchOne(find, arguments: [k]) { out[k] = id } }
            return out
        }
    }
}
