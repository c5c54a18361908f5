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
    /// The histories read in the shared transaction, by robot and key (emptied when it ends).
    private var asked: [String: Asked] = [:]

    /// A key's history as read in the shared transaction: its first `rows` latest first, for every issue date.
    struct Asked {
        let rows: [Entry]
        /// Whether `rows` is the whole history (fewer than were asked for), not its first part.
        let complete: Bool

        /// The answer of an ask with `limit` and `issuedOnOrBefore`, when these rows hold it. The query orders by issue
        /// date and decision and the cut only leaves rows out, so the rows it admits are, in order, the first of the
        /// cut's own answer: enough of them, or all there are, is that answer.
        func answer(limit: Int, issuedOnOrBefore: String?) -> [Entry]? {
            let admitted = issuedOnOrBefore.map { cut in rows.filter { $0.issueDate.map { $0 <= cut } ?? true } } ?? rows
            guard complete || admitted.count >= limit else { return nil }
            return Array(admitted.prefix(limit))
        }
    }

    /// How many of a key's rows the shared transaction reads at its first ask (more when the ask wants more).
    static let rowsAskedAtOnce = 32

    init(path: String) { self.path = path }

    /// Runs `body` with every ask in it read from one snapshot of the database: one read transaction, begun at the
    /// first ask, instead of one per ask. Each read transaction takes the log's read lock (`fcntl` calls) and checks
    /// whether the log changed, dropping the connection's page cache when it did (`pread`s to fill it again): a month's
    /// timed window made 6,375 `fcntl` calls and 29,496 `pread`s with a transaction per ask, 1,957 and 25,072 with one
    /// per batch (`scripts/profile-touchless 8000 strace`). Within a batch nothing else decides (`decide.lock`), so the
    /// snapshot is the history as it stands; the transaction ends with the scope, before the batch is applied, so it
    /// never holds the log back from a checkpoint for longer than the decisions take.
    ///
    /// In the snapshot a key's history is read once (`Asked`): a later ask of the same robot and key, with another
    /// limit or issue-date cut (the rent robot's last months, then every month paid), is answered from the rows read.
    func oneSnapshot<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        sharing = true
        lock.unlock()
        defer {
            lock.lock()
            sharing = false
            asked = [:]
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
            guard sharing, before == nil else {
                return try ask(statement, robot: robot, key: key, limit: limit, before: before, issuedOnOrBefore: issuedOnOrBefore)
            }
            let memo = robot + "\u{1F}" + key
            if let known = asked[memo]?.answer(limit: limit, issuedOnOrBefore: issuedOnOrBefore) { return known }
            let wanted = max(limit, Self.rowsAskedAtOnce)
            let rows = try ask(statement, robot: robot, key: key, limit: wanted, before: nil, issuedOnOrBefore: nil)
            let read = Asked(rows: rows, complete: rows.count < wanted)
            asked[memo] = read
            if let known = read.answer(limit: limit, issuedOnOrBefore: issuedOnOrBefore) { return known }
            return try ask(statement, robot: robot, key: key, limit: limit, before: nil, issuedOnOrBefore: issuedOnOrBefore)
        } catch {
            // A failed ask does not leave the shared transaction to the next: that one starts afresh.
            asked = [:]
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
