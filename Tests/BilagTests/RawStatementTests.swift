@testable import BilagStore
import Foundation
import GRDB
import XCTest

/// The hot path's binder copies short text into a stack scratch SQLite reads in place, and leaves longer text to
/// SQLite to copy: either way the row holds exactly the text given, '' stays '' and nil stays NULL.
final class RawStatementTests: XCTestCase {
    func testBoundTextIsStoredAsGivenInsideAndBeyondTheScratch() throws {
        let store = try StoreFixture.store(self, "raw")
        let long = String(repeating: "æ", count: 700) // 1,400 bytes: never fits the 1 KiB scratch
        let values: [[String?]] = [
            ["", nil, "a", "æøå \"q\" \\ \u{1F600}", String(repeating: "x", count: RawBinder.scratchBytes)],
            // Fills the scratch part way, then a text that no longer fits, then short ones that still do.
            [String(repeating: "y", count: 1000), String(repeating: "z", count: 30), "", "b", nil],
            [long, "", long, "c", String(repeating: "w", count: RawBinder.scratchBytes + 1)],
            ["short", "", "", "", ""],
        ]
        try store.pool.write { db in
            try db.execute(sql: "CREATE TABLE t (n INTEGER, a TEXT, b TEXT, c TEXT, d TEXT, e TEXT)")
            let insert = try db.cachedStatement(sql: "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)")
            for (n, row) in values.enumerated() {
                try insert.run(db) { b in
                    b.int(n)
                    for v in row { b.text(v) }
                }
            }
        }
        try store.pool.read { db in
            for (n, row) in values.enumerated() {
                let stored = try Row.fetchOne(db, sql: "SELECT a, b, c, d, e, typeof(a), typeof(b), typeof(c), typeof(d), typeof(e) FROM t WHERE n = ?", arguments: [n])!
                for (i, v) in row.enumerated() {
                    XCTAssertEqual(stored[i] as String?, v, "row \(n) column \(i)")
                    XCTAssertEqual(stored[i + 5] as String, v == nil ? "null" : "text", "row \(n) column \(i): '' must not become NULL")
                }
            }
        }
    }

    /// A single-row query binds the same way, and a statement run again starts from fresh bindings.
    func testFirstTextFindsWhatWasBoundAndBindingsDoNotCarryOver() throws {
        let store = try StoreFixture.store(self, "raw-first")
        try store.pool.write { db in
            try db.execute(sql: "CREATE TABLE t (k TEXT, v TEXT); INSERT INTO t VALUES ('', 'empty'), ('k1', 'one'), (?, 'long')",
                           arguments: [String(repeating: "k", count: 5000)])
            let find = try db.cachedStatement(sql: "SELECT v FROM t WHERE k = ?")
            XCTAssertEqual(try find.firstText(db) { $0.text("") }, "empty")
            XCTAssertEqual(try find.firstText(db) { $0.text("k1") }, "one")
            XCTAssertEqual(try find.firstText(db) { $0.text(String(repeating: "k", count: 5000)) }, "long")
            XCTAssertNil(try find.firstText(db) { $0.text(nil) })
            XCTAssertNil(try find.firstText(db) { $0.text("k2") })
            // GRDB's own binding on the same cached statement after ours sees no leftover of the stack scratch.
            XCTAssertEqual(try String.fetchOne(find, arguments: ["k1"]), "one")
            let count = try db.cachedStatement(sql: "SELECT count(*) FROM t WHERE k = ? OR ? IS NULL")
            XCTAssertEqual(try count.firstInt(db) { b in b.text("k1"); b.text("x") }, 1)
            XCTAssertEqual(try count.firstInt(db) { b in b.text("k1"); b.text(nil) }, 3)
        }
    }
}
