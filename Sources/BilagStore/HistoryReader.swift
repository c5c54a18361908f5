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

    init(path: String) { self.path = path }

    deinit {
        sqlite3_finalize(statement)
        sqlite3_close_v2(connection)
    }

    /// The same rows, in the same order, as `Store.bookedHistorySQL` run through GRDB.
    func booked(robot: String, key: String, limit: Int, before: Int64?, issuedOnOrBefore: String?) throws -> [Entry] {
        lock.lock()
        defer { lock.unlock() }
        let s = try prepared()
        defer { sqlite3_reset(s); sqlite3_clear_bindings(s) }
        bind(s, 1, robot); bind(s, 2, key)
        bind(s, 3, before); bind(s, 4, before)
        bind(s, 5, issuedOnOrBefore); bind(s, 6, issuedOnOrBefore)
        sqlite3_bind_int64(s, 7, Int64(limit))
        var rows: [Entry] = []
        while true {
            switch sqlite3_step(s) {
            case SQLITE_ROW:
                rows.append((Self.text(s, 0) ?? "", Self.text(s, 1), Self.text(s, 2), Self.text(s, 3), Self.text(s, 4)))
            case SQLITE_DONE:
                return rows
            case let rc:
                throw failure(rc)
            }
        }
    }

    private func prepared() throws -> OpaquePointer {
        if let statement { return statement }
        if connection == nil {
            var db: OpaquePointer?
            let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
            guard rc == SQLITE_OK, let db else {
                let message = db.map { String(cString: sqlite3_errmsg($0)) }
                sqlite3_close_v2(db)
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: message, sql: nil)
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

    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    private func bind(_ s: OpaquePointer, _ i: Int32, _ value: String?) {
        guard let value else { sqlite3_bind_null(s, i); return }
        sqlite3_bind_text(s, i, value, -1, Self.transient)
    }

    private func bind(_ s: OpaquePointer, _ i: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(s, i, value) } else { sqlite3_bind_null(s, i) }
    }

    private static func text(_ s: OpaquePointer, _ column: Int32) -> String? {
        guard let p = sqlite3_column_text(s, column) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, column))), as: UTF8.self)
    }

    private func failure(_ rc: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: rc), message: connection.map { String(cString: sqlite3_errmsg($0)) }, sql: Store.bookedHistorySQL)
    }
}
