import GRDB

/// The statements `Store.apply` runs for every outcome, each looked up in GRDB's statement cache once per `apply`
/// rather than once per outcome: that cache is keyed by the SQL text, hashed whole at every lookup (some 1.5 k
/// instructions for these statements, five or six lookups an invoice on the committing thread).
struct OutcomeStatements {
    enum Slot: Int, CaseIterable {
        case updateWithSummary, updateState, insertDecision, insertEvent, insertJournal, insertCaseUpdate, reversalState, holdBooking

        var sql: String {
            switch self {
            case .updateWithSummary:
                return """
                    UPDATE invoice SET syntax = ?, profile = ?, document_kind = ?, invoice_number = ?, number_key = ?, issue_date = ?, due_date = ?, seller_key = ?, seller_name = ?, currency = ?, amount_due = ?, total_without_vat = ?, total_vat = ?,
                      state = ?, reason_code = ?, reason_message = ?, duplicate_of = COALESCE(?, duplicate_of), decided_by = ?, decided_at = ?, updated_at = ?,
                      validation_json = COALESCE(?, validation_json), trace_json = COALESCE(?, trace_json), attempts = attempts + ?,
                      retry_at = ?, waiting_since = CASE WHEN ? IS NULL THEN NULL ELSE COALESCE(waiting_since, ?) END WHERE id = ? AND state = ?
                    """
            case .updateState:
                return """
                    UPDATE invoice SET state = ?, reason_code = ?, reason_message = ?, duplicate_of = COALESCE(?, duplicate_of), decided_by = ?, decided_at = ?, updated_at = ?,
                      validation_json = COALESCE(?, validation_json), trace_json = COALESCE(?, trace_json), attempts = attempts + ?,
                      retry_at = ?, waiting_since = CASE WHEN ? IS NULL THEN NULL ELSE COALESCE(waiting_since, ?) END WHERE id = ? AND state = ?
                    """
            case .insertDecision:
                return "INSERT INTO decision (invoice_id, decided_at, robot, robot_hash, legal_basis, mode, outcome, reason_code, message, history_key, amount, issue_date, invoice_number, period_key, trace_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            case .insertEvent:
                return "INSERT INTO event (invoice_id, at, actor, action, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?, ?, ?)"
            case .insertJournal:
                return "INSERT INTO journal_entry (invoice_id, created_at, line) VALUES (?, ?, ?)"
            case .insertCaseUpdate:
                return """
                    INSERT INTO case_update (invoice_id, connector, action, payload, idempotency_key, created_at, after_reversal) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(idempotency_key) DO UPDATE SET state = 'pending', attempts = 0, last_error = NULL, retry_at = NULL, failing_since = NULL, payload = excluded.payload,
                      after_reversal = excluded.after_reversal
                    WHERE case_update.state IN ('refused', 'withdrawn', 'failed')
                    """
            case .reversalState:
                return "SELECT state FROM case_update WHERE idempotency_key = ? AND compensates IS NOT NULL"
            case .holdBooking:
                return "INSERT OR REPLACE INTO held_booking (invoice_id, held_at, line) VALUES (?, ?, ?)"
            }
        }
    }

    let db: Database
    private var cached: [Statement?] = Array(repeating: nil, count: Slot.allCases.count)

    init(_ db: Database) { self.db = db }

    /// The prepared statement of `slot`, valid for the transaction `apply` runs.
    mutating func callAsFunction(_ slot: Slot) throws -> Statement {
        if let s = cached[slot.rawValue] { return s }
        let s = try db.cachedStatement(sql: slot.sql)
        cached[slot.rawValue] = s
        return s
    }
}
