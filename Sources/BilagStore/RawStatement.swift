import BilagCore
import GRDB
import GRDBSQLite

/// Runs GRDB's cached statements straight on SQLite, for the few statements every invoice passes through.
///
/// GRDB wraps each argument in a `DatabaseValue`, validates the list and copies strings; on the intake's hot path
/// that glue cost about as much CPU as SQLite's own work (`perf` of `bilag run --once` over 10,000 invoices). These helpers bind the values in place and step (`allRows` to the
/// end, reading each row in place). They are for plain INSERT, UPDATE, DELETE and SELECT statements inside a GRDB transaction: GRDB's transaction tracking only needs to see the
/// statements that begin or end one, and bilag registers no transaction observers.
struct RawBinder {
    let statement: OpaquePointer
    private(set) var index: Int32 = 0
    /// Where bound text is copied so SQLite can use it in place (`SQLITE_STATIC`) until the statement is reset;
    /// text that does not fit is copied by SQLite itself (`SQLITE_TRANSIENT`). Binding in place saves SQLite a
    /// `malloc`, a `free` and its allocator's lock for each value: Debian's SQLite has no lookaside allocator.
    private let scratch: UnsafeMutableRawBufferPointer
    private var used = 0

    /// Bytes `run` and `first` set aside on the stack for bound text (1 KiB is what Swift always puts on the stack).
    static let scratchBytes = 1024
    /// SQLite copies the bytes (`SQLITE_TRANSIENT`): the Swift string may go away before the step.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    init(_ statement: OpaquePointer, scratch: UnsafeMutableRawBufferPointer) {
        self.statement = statement
        self.scratch = scratch
    }

    mutating func text(_ value: String?) {
        guard var value else { index += 1; sqlite3_bind_null(statement, index); return }
        value.withUTF8 { bind($0) }
    }

    /// Binds UTF-8 bytes as text (a `JSONBytes`'s, as written), without a String made of them.
    mutating func json(_ value: JSONBytes?) {
        guard let value else { index += 1; sqlite3_bind_null(statement, index); return }
        value.bytes.withUnsafeBufferPointer { bind($0) }
    }

    /// Binds the next parameter to these bytes as text: copied into the scratch when they fit, else by SQLite.
    private mutating func bind(_ bytes: UnsafeBufferPointer<UInt8>) {
        index += 1
        let n = bytes.count
        // (A null address would bind NULL instead of '': the scratch's address stands in for an empty buffer's.)
        if n <= scratch.count - used, let start = scratch.baseAddress?.advanced(by: used) {
            if let from = bytes.baseAddress { start.copyMemory(from: from, byteCount: n) }
            _ = sqlite3_bind_text(statement, index, start.assumingMemoryBound(to: CChar.self), Int32(n), nil)
            used += n
            return
        }
        _ = UnsafeRawPointer(bytes.baseAddress!).withMemoryRebound(to: CChar.self, capacity: n) { sqlite3_bind_text(statement, index, $0, Int32(n), Self.transient) }
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
        _ = try allRows(db, bind) { _ in () }
    }

    /// Binds with `bind` and returns the first column of the first row as text (nil: no row, or NULL).
    func firstText(_ db: Database, _ bind: (inout RawBinder) -> Void) throws -> String? {
        try firstRow(db, bind) { $0.text(0) } ?? nil
    }

    /// Binds with `bind` and returns the first column of the first row as an integer (nil: no row, or NULL).
    func firstInt(_ db: Database, _ bind: (inout RawBinder) -> Void) throws -> Int64? {
        try firstRow(db, bind) { $0.isNull(0) ? nil : $0.int(0) } ?? nil
    }

    /// Binds with `bind` and returns the columns of the first row as text (nil: no row; a NULL column: nil).
    func firstTexts(_ db: Database, columns: Int32, _ bind: (inout RawBinder) -> Void) throws -> [String?]? {
        try firstRow(db, bind) { c in (0..<columns).map(c.text) }
    }

    /// Binds with `bind` and returns what `read` makes of each row, in order (`RawColumns` reads a row's columns).
    func allRows<T>(_ db: Database, _ bind: (inout RawBinder) -> Void, _ read: (RawColumns) -> T) throws -> [T] {
        try RawRows.bound(sqliteStatement, sql: sql, bind) { try RawRows.all($0, failure: { failure(db, $0) }, read) }
    }

    /// What `read` makes of the first row; nil: no row.
    private func firstRow<T>(_ db: Database, _ bind: (inout RawBinder) -> Void, _ read: (RawColumns) -> T) throws -> T? {
        try RawRows.bound(sqliteStatement, sql: sql, bind) { try RawRows.first($0, failure: { failure(db, $0) }, read) }
    }

    private func failure(_ db: Database, _ rc: Int32) -> DatabaseError { RawRows.error(rc, on: db.sqliteConnection, sql: sql) }
}

/// Binding and stepping a prepared SQLite statement in place: for GRDB's cached statements (above) and for the
/// statement of a connection bilag opens itself (`HistoryReader`).
enum RawRows {
    /// Binds every parameter with `bind`, runs `body`, then resets the statement and clears its bindings, so no
    /// binding outlives the stack scratch its text was copied into. `sql` is read only to name a statement bound
    /// wrongly: GRDB's `Statement.sql` copies and trims the text each time it is read (once 13 % of a month's CPU).
    static func bound<T>(_ s: OpaquePointer, sql: @autoclosure () -> String, _ bind: (inout RawBinder) -> Void, _ body: (OpaquePointer) throws -> T) throws -> T {
        sqlite3_reset(s)
        return try withUnsafeTemporaryAllocation(byteCount: RawBinder.scratchBytes, alignment: 1) { scratch in
            defer { sqlite3_reset(s); sqlite3_clear_bindings(s) }
            var binder = RawBinder(s, scratch: scratch)
            bind(&binder)
            precondition(binder.index == sqlite3_bind_parameter_count(s), "\(sql()): bound \(binder.index) of \(sqlite3_bind_parameter_count(s)) parameters")
            return try body(s)
        }
    }

    /// The error of result code `rc`, with the connection's message (as GRDB reports one).
    static func error(_ rc: Int32, on connection: OpaquePointer?, sql: String?) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: rc), message: connection.map { String(cString: sqlite3_errmsg($0)) }, sql: sql)
    }

    /// Steps to the end: what `read` makes of each row, in order.
    static func all<T>(_ s: OpaquePointer, failure: (Int32) -> Error, _ read: (RawColumns) -> T) throws -> [T] {
        var rows: [T] = []
        while true {
            switch sqlite3_step(s) {
            case SQLITE_ROW: rows.append(read(RawColumns(statement: s)))
            case SQLITE_DONE: return rows
            case let rc: throw failure(rc)
            }
        }
    }

    /// One step: what `read` makes of the first row; nil: no row.
    static func first<T>(_ s: OpaquePointer, failure: (Int32) -> Error, _ read: (RawColumns) -> T) throws -> T? {
        switch sqlite3_step(s) {
        case SQLITE_ROW: return read(RawColumns(statement: s))
        case SQLITE_DONE: return nil
        case let rc: throw failure(rc)
        }
    }
}

/// The columns of the row a statement stands on, read in place.
struct RawColumns {
    let statement: OpaquePointer

    /// The column as text; nil for NULL.
    func text(_ column: Int32) -> String? {
        sqlite3_column_text(statement, column).map { String(decoding: UnsafeBufferPointer(start: $0, count: Int(sqlite3_column_bytes(statement, column))), as: UTF8.self) }
    }

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    /// The column's text as SQLite holds it, valid until the statement steps on; nil for NULL.
    func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        sqlite3_column_text(statement, column).map { UnsafeBufferPointer(start: $0, count: Int(sqlite3_column_bytes(statement, column))) }
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
}
