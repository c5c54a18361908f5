import Foundation
import GRDB
import GRDBSQLite

/// A robot's booked history, read on a SQLite connection of its own with the query prepared once.
///
/// Every invoice the shipped robots decide asks for its history once. Through the pool each ask took a reader
/// (a semaphore and a dispatch queue), had GRDB check the schema version (a statement of its own) and built a `Row`
/// per result; that glue cost about twice SQLite's own work, some 5 % of the touchless month's CPU
/// (`scripts/profile-touchless`). This connection is read-only, opened on first use, and used by one caller at a time.
/// Each ask is one statement, which SQLite reads from one snapshot of the log; the statement is reset before the
/// lock is let go, so the connection never holds the log back from a checkpoint between asks.
final class HistoryReader: @unchecked Sendable {
    typealias Entry = (invoiceID: String, amount: String?, issueDate: String?, invoiceNumber: String?, periodKey: String?)

    private let path: String
    private let lock = NSLock()
    /// Opened on first use, under `lock`; closed in `deinit`.
    private var connection: OpaquePointer?
    private var statement: OpaquePointer?
    /// Set by `oneSnapshot`: asks then share one read transaction, begun at the first ask and ended with the scope.
    private var sharing = false

    init(path: String) { self.path = path }

    /// Runs `body` with every ask in it read from one snapshot of the database: one read transaction, begun at the
    /// first ask, instead of one per ask. Each read transaction takes the log's read lock and checks whether the log
    /// changed (and drops the connection's page cache when it did): for a batch's decisions that was about a third of
    /// the history's cost on the committing thread (`scripts/profile-touchless`). Within a batch nothing else decides
    /// (`decide.lock`), so the snapshot is the history as it stands; the transaction ends with the scope, before the
    /// batch is applied, so it never holds the log back from a checkpoint for longer than the decisions take.
    func oneSnapshot<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        sharing = true
        lock.unlock()
        defer {
            lock.lock()
            sharing = false
            endTransaction()
            lock.unlock()
        }
        return try body()
    }

    /// Ends the shared read transaction, if one is open (with `lock` held).
    private func endTransaction() {
        guard let connection, sqlite3_get_autocommit(connection) == 0 else { return }
        // A read transaction has nothing to undo: ROLLBACK ends it whatever state it is in.
        sqlite3_exec(connection, "ROLLBACK", nil, nil, nil)
    }

    deinit {
        sqlite3_finalize(statement)
        sqlite3_close_v2(connection)
    }

    /// The same rows, in the same order, as `Store.bookedHistorySQL` run through GRDB.
    func booked(robot: String, key: String, limit: Int, before: Int64?, issuedOnOrBefore: String?) throws -> [Entry] {
        lock.lock()
        defer { lock.unlock() }
        let statement = try prepared()
        if sharing, let connection, sqlite3_get_autocommit(connection) != 0 {
            // Deferred: the read transaction begins with this ask's first step, and later asks stay in it.
            let rc = sqlite3_exec(connection, "BEGIN", nil, nil, nil)
            guard rc == SQLITE_OK else { throw failure(rc) }
        }
        do {
            return try ask(statement, robot: robot, key: key, limit: limit, before: before, issuedOnOrBefore: issuedOnOrBefore)
        } catch {
            // A failed ask does not leave the shared transaction to the next: that one starts afresh.
            endTransaction()
            throw error
        }
    }

    private func ask(_ statement: OpaquePointer, robot: String, key: String, limit: Int, before: Int64?, issuedOnOrBefore: String?) throws -> [Entry] {
        try RawRows.bound(statement, sql: Store.bookedHistorySQL, { b in
            b.text(robot); b.text(key); b.int(before); b.int(before); b.text(issuedOnOrBefore); b.text(issuedOnOrBefore); b.int(limit)
        }) { s in
            try RawRows.all(s, failure: failure) { c in (c.text(0) ?? "", c.text(1), c.text(2), c.text(3), c.text(4)) }
        }
    }

    private func prepared() throws -> OpaquePointer {
        if let statement { return statement }
        if connection == nil {
            var db: OpaquePointer?
            let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
            guard rc == SQLITE_OK, let db else {
                let error = RawRows.error(rc, on: db, sql: nil)
                sqlite3_close_v2(db)
                throw error
            }
            // As the pool's readers: wait out a writer that is resetting the log rather than fail.
            sqlite3_busy_timeout(db, 30_000)
            connection = db
        }
        var s: OpaquePointer?
        let rc = sqlite3_prepare_v3(connection, Store.bookedHistorySQL, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &s, nil)
        guard rc == SQLITE_OK, let s else { throw failure(rc) }
        statement = s
        return s
    }

    private func failure(_ rc: Int32) -> DatabaseError { RawRows.error(rc, on: connection, sql: Store.bookedHistorySQL) }
}
