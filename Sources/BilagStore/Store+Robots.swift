import BilagCore
import Foundation
import GRDB

/// What robots need from the store: history, decisions, pause state (case updates: `Store+CaseUpdates`).
extension Store {
    /// Invoices this robot filed under this history key that are booked now (by the robot or by an operator), latest
    /// first in business order: by issue date, then by decision (an invoice of no known date comes last).
    ///
    /// The indexes are named: without statistics SQLite took `decision_robot` (every decision of the robot) for the
    /// key and for the per-invoice subqueries, so each history step read the robot's whole past (quadratic in a month).
    /// With `before` (a decision id), only invoices this robot first decided before it: the history as it stood for
    /// the invoice of that decision (for replays and re-evaluations). With `issuedOnOrBefore` (YYYY-MM-DD), only invoices
    /// issued on or before that date (or of no known date): those before the deciding invoice in business order.
    public func bookedHistory(robot: String, key: String, limit: Int, before: Int64? = nil, issuedOnOrBefore: String? = nil) throws -> [(invoiceID: String, amount: String?, issueDate: String?, invoiceNumber: String?, periodKey: String?)] {
        // One statement on a connection of its own (`HistoryReader`): no reader to take from the pool, no schema check,
        // no `Row` per result. SQLite reads it from one snapshot of the log all the same.
        try historyReader.booked(robot: robot, key: key, limit: limit, before: before, issuedOnOrBefore: issuedOnOrBefore)
    }

    /// Runs `body` with every `bookedHistory` in it read from one snapshot of the database (a batch's decisions:
    /// one read transaction instead of one per ask; see `HistoryReader.oneSnapshot`).
    public func historyFromOneSnapshot<T>(_ body: () throws -> T) rethrows -> T {
        try historyReader.oneSnapshot(body)
    }

    /// The query of `bookedHistory` (its plan is tested: it must search by the named indexes, never scan).
    static let bookedHistorySQL = """
        SELECT d.invoice_id, d.amount, d.issue_date, d.invoice_number, d.period_key
        FROM decision d INDEXED BY decision_history_newest JOIN invoice i ON i.id = d.invoice_id
        WHERE d.robot = ? AND d.history_key = ? AND d.mode = 'live' AND i.state = 'booked'
          AND d.id = (SELECT MAX(id) FROM decision INDEXED BY decision_invoice WHERE invoice_id = d.invoice_id AND robot = d.robot AND mode = 'live')
          AND (? IS NULL OR (SELECT MIN(id) FROM decision INDEXED BY decision_invoice WHERE invoice_id = d.invoice_id AND robot = d.robot AND mode = 'live' AND outcome <> 'waiting') < ?)
          AND (? IS NULL OR d.issue_date IS NULL OR d.issue_date <= ?)
        ORDER BY d.issue_date DESC, d.id DESC LIMIT ?
        """

    /// The first live decision of this invoice (by any robot) that decided it, or nil: where "history as it stood" is
    /// cut. Waiting for a case system is no decision: an invoice that waited sees the history of when it is decided.
    public func firstLiveDecision(invoice id: String) throws -> Int64? {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT MIN(id) FROM decision WHERE invoice_id = ? AND mode = 'live' AND outcome <> 'waiting'", arguments: [id]) }
    }

    /// The decisions recorded for one invoice, oldest first.
    public func decisions(invoice id: String) throws -> [StoredDecision] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT \(Self.decisionColumns) FROM decision WHERE invoice_id = ? ORDER BY id", arguments: [id]).map(Self.decision) }
    }

    /// Decisions made in `[from, to)` (ISO timestamps or dates), for the auditor.
    public func decisions(from: String, to: String, robot: String? = nil) throws -> [StoredDecision] {
        try pool.read { db in
            var sql = "SELECT \(Self.decisionColumns) FROM decision WHERE decided_at >= ? AND decided_at < ?"
            var args: [DatabaseValueConvertible] = [from, to]
            if let robot { sql += " AND robot = ?"; args.append(robot) }
            return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: StatementArguments(args)).map(Self.decision)
        }
    }

    /// The outcomes of a robot's most recent live decisions, newest first (`book` or the reason code).
    public func recentOutcomes(robot: String, limit: Int) throws -> [String] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT outcome, reason_code FROM decision WHERE robot = ? AND mode = 'live' AND outcome IN ('book', 'manual') ORDER BY id DESC LIMIT ?", arguments: [robot, limit]).map { row in
                let outcome: String = row[0]
                return outcome == "book" ? "book" : ((row[1] as String?) ?? "manual")
            }
        }
    }

    /// Invoices that have a final or manual outcome since `date`, with their stored original, for replays.
    public func decidedSince(_ date: String, limit: Int = 100_000) throws -> [InvoiceRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(InvoiceRecord.columns) FROM invoice WHERE state IN ('booked', 'manual', 'rejected') AND decided_at >= ? ORDER BY id LIMIT ?", arguments: [date, limit]).map(InvoiceRecord.init(row:))
        }
    }

    static let decisionColumns = "id, invoice_id, decided_at, robot, robot_hash, legal_basis, mode, outcome, reason_code, message, history_key, amount, issue_date, invoice_number, period_key, trace_json"

    static func decision(_ r: Row) -> StoredDecision {
        var d = StoredDecision(invoiceID: r[1], robot: r[3], robotHash: r[4], legalBasis: r[5], mode: r[6], outcome: r[7], reasonCode: r[8], message: r[9], historyKey: r[10], amount: r[11], issueDate: r[12], invoiceNumber: r[13], periodKey: r[14], traceJSON: r[15])
        d.id = r[0]
        d.decidedAt = r[2]
        return d
    }

    // MARK: robot pause

    /// Robots paused because their deviation rate jumped, with why.
    public func pausedRobots() throws -> [String: String] {
        try pool.read { db in
            var out: [String: String] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT robot, paused_reason FROM robot_state WHERE paused = 1") { out[r[0]] = (r[1] as String?) ?? "" }
            return out
        }
    }

    public func setRobotPaused(_ robot: String, paused: Bool, reason: String?) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT INTO robot_state (robot, paused, paused_at, paused_reason) VALUES (?, ?, ?, ?) ON CONFLICT(robot) DO UPDATE SET paused = excluded.paused, paused_at = excluded.paused_at, paused_reason = excluded.paused_reason",
                           arguments: [robot, paused ? 1 : 0, paused ? Timestamp.string() : nil, reason])
        }
    }

    /// The fingerprint of the table data `robot` last ran with, if it ever ran.
    public func robotTables(_ robot: String) throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT fingerprint FROM robot_tables WHERE robot = ?", arguments: [robot]) }
    }

    /// Records the table data `robot` runs with now.
    public func setRobotTables(_ robot: String, fingerprint: String) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT INTO robot_tables (robot, fingerprint, seen_at) VALUES (?, ?, ?) ON CONFLICT(robot) DO UPDATE SET fingerprint = excluded.fingerprint, seen_at = excluded.seen_at",
                           arguments: [robot, fingerprint, Timestamp.string()])
        }
    }

    /// Invoices in the manual queue for one of these reasons (for re-evaluation when a table changes).
    public func manual(reasons: [String]) throws -> [InvoiceRecord] {
        guard !reasons.isEmpty else { return [] }
        return try pool.read { db in
            let marks = Array(repeating: "?", count: reasons.count).joined(separator: ",")
            return try Row.fetchAll(db, sql: "SELECT \(InvoiceRecord.columns) FROM invoice WHERE state = 'manual' AND reason_code IN (\(marks)) ORDER BY id", arguments: StatementArguments(reasons)).map(InvoiceRecord.init(row:))
        }
    }
}
