import GRDB
import GRDBSQLite

/// Runs GRDB's cached statements straight on SQLite, for the few statements every invoice passes through.
///
/// GRDB wraps each argument in a `DatabaseValue`, validates the list and copies strings; on the intake's hot path
/// that glue cost about as much CPU as SQLite's own work (`perf` of `bilag run --once` over 10,000 invoices). These helpers bind the values in place and step once. They are for plain INSERT, UPDATE
/// and single-row SELECT statements inside a GRDB transaction: GRDB's transaction tracking only needs to see the
/// statements that begin or end one, and bilag registers no transaction observers.
struct RawBinder {
    let statement: OpaquePointer
    private(set) var index: Int32 = 0

    /// SQLite copies the bytes (`SQLITE_TRANSIENT`): the Swift string may go away before the step.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    init(_ statement: OpaquePointer) { self.statement = statement }

    mutating func text(_ value: String?) {
        index += 1
        guard var value else { sqlite3_bind_null(statement, index); return }
        let i = index, s = statement
        value.withUTF8 { bytes in
            // An empty buffer may have no address, and a null address would bind NULL instead of ''.
            if let base = bytes.baseAddress {
                _ = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { sqlite3_bind_text(s, i, $0, Int32(bytes.count), Self.transient) }
            } else {
                _ = sqlite3_bind_text(s, i, "", 0, Self.transient)
            }
        }
    }

    mutating func int(_ value: Int64?) {
        index += 1
        if let value { sqlite3_bind_int64(statement, index, value) } else { sqlite3_bind_null(statement, index) }
    }

    mutating func int(_ value: Int) { int(Int64(value)) }
}

extension Statement {
    /// Binds with `bind` (every parameter, in order) and steps to the end; the number of rows changed is
    /// `db.changesCount` afterwards, as with `execute`.
    func run(_ db: Database, _ bind: (inout RawBinder) -> Void) throws {
        let s = sqliteStatement
        sqlite3_reset(s)
        var binder = RawBinder(s)
        bind(&binder)
        precondition(binder.index == sqlite3_bind_parameter_count(s), "\(sql): bound \(binder.index) of \(sqlite3_bind_parameter_count(s)) parameters")
        var rc = sqlite3_step(s)
        while rc == SQLITE_ROW { rc = sqlite3_step(s) }
        let error = rc == SQLITE_DONE ? nil : failure(db, rc)
        sqlite3_reset(s)
        if let error { throw error }
    }

    /// Binds with `bind` and returns the first column of the first row as text (nil: no row, or NULL).
    func firstText(_ db: Database, _ bind: (inout RawBinder) -> Void) throws -> String? {
        try first(db, bind) { s in
            sqlite3_column_text(s, 0).map { String(decoding: UnsafeBufferPointer(start: $0, count: Int(sqlite3_column_bytes(s, 0))), as: UTF8.self) }
        }
    }

    /// Binds with `bind` and returns the first column of the first row as an integer (nil: no row, or NULL).
    func firstInt(_ db: Database, _ bind: (inout RawBinder) -> Void) throws -> Int64? {
        try first(db, bind) { sqlite3_column_int64($0, 0) }
    }

    private func first<T>(_ db: Database, _ bind: (inout RawBinder) -> Void, _ read: (OpaquePointer) -> T?) throws -> T? {
        let s = sqliteStatement
        sqlite3_reset(s)
        var binder = RawBinder(s)
        bind(&binder)
        precondition(binder.index == sqlite3_bind_parameter_count(s), "\(sql): bound \(binder.index) of \(sqlite3_bind_parameter_count(s)) parameters")
        defer { sqlite3_reset(s) }
        switch sqlite3_step(s) {
        case SQLITE_ROW:
            return sqlite3_column_type(s, 0) == SQLITE_NULL ? nil : read(s)
        case SQLITE_DONE:
            return nil
        case let rc:
            throw failure(db, rc)
        }
    }

    private func failure(_ db: Database, _ rc: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: rc), message: db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) }, sql: sql)
    }
}
