@testable import BilagStore
import Foundation
import GRDB
import XCTest

/// `bookedHistory` reads on a connection of its own (`HistoryReader`): it must answer exactly as the query through
/// GRDB's pool, see every commit made after its first ask, and never hold the log back from a checkpoint.
final class HistoryReaderTests: XCTestCase {
    var dir = ""
    var store: Store!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "bilag-history-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        store = try Store(path: dir + "/bilag.sqlite")
    }

    override func tearDownWithError() throws {
        store = nil
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// An invoice in `state` with one live decision of `robot` on `key`.
    func add(_ id: String, state: String, robot: String = "rent", key: String = "k", outcome: String = "book", amount: String? = "100.00", issued: String?, number: String? = nil, period: String? = nil) throws {
        try store.pool.write { db in
            try db.execute(sql: "INSERT INTO invoice (id, channel, source_path, stored_path, sha256, size, received_at, state, updated_at) VALUES (?, 'c', ?, ?, ?, 1, '2026-11-01T00:00:00Z', ?, '2026-11-01T00:00:00Z')",
                           arguments: [id, id, id, id, state])
            try db.execute(sql: "INSERT INTO decision (invoice_id, decided_at, robot, robot_hash, mode, outcome, history_key, amount, issue_date, invoice_number, period_key, trace_json) VALUES (?, '2026-11-01T00:00:00Z', ?, 'h', 'live', ?, ?, ?, ?, ?, ?, '[]')",
                           arguments: [id, robot, outcome, key, amount, issued, number ?? id, period])
        }
    }

    /// The rows of the same SQL through GRDB's pool, as `bookedHistory` read them before it had a connection of its own.
    func throughThePool(robot: String, key: String, limit: Int, before: Int64?, issuedOnOrBefore: String?) throws -> [String] {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: Store.bookedHistorySQL, arguments: [robot, key, before, before, issuedOnOrBefore, issuedOnOrBefore, limit]).map { row -> String in
                let values: [String?] = [row[0], row[1], row[2], row[3], row[4]]
                return values.map { $0 ?? "NULL" }.joined(separator: "|")
            }
        }
    }

    func throughTheReader(robot: String, key: String, limit: Int, before: Int64?, issuedOnOrBefore: String?) throws -> [String] {
        try store.bookedHistory(robot: robot, key: key, limit: limit, before: before, issuedOnOrBefore: issuedOnOrBefore).map {
            [$0.invoiceID, $0.amount, $0.issueDate, $0.invoiceNumber, $0.periodKey].map { $0 ?? "NULL" }.joined(separator: "|")
        }
    }

    func testAnswersAsThePoolDoesForEveryCut() throws {
        try add("a", state: "booked", issued: "2026-09-01", period: "2026-09")
        try add("b", state: "booked", amount: nil, issued: nil)
        try add("c", state: "manual", issued: "2026-10-01")
        try add("d", state: "booked", issued: "2026-10-01", number: "næste 10", period: "2026-10")
        try add("e", state: "booked", key: "other", issued: "2026-10-01")
        try add("f", state: "booked", robot: "plans", issued: "2026-10-01")
        try add("g", state: "booked", issued: "2026-11-01")
        for robot in ["rent", "plans", "none"] {
            for key in ["k", "other"] {
                for limit in [1, 2, 12] {
                    for before: Int64? in [nil, 1, 4, 100] {
                        for cut: String? in [nil, "2026-09-30", "2026-10-01", "2026-12-31"] {
                            let pool = try throughThePool(robot: robot, key: key, limit: limit, before: before, issuedOnOrBefore: cut)
                            XCTAssertEqual(try throughTheReader(robot: robot, key: key, limit: limit, before: before, issuedOnOrBefore: cut), pool, "\(robot) \(key) \(limit) \(String(describing: before)) \(String(describing: cut))")
                        }
                    }
                }
            }
        }
        XCTAssertEqual(try throughTheReader(robot: "rent", key: "k", limit: 12, before: nil, issuedOnOrBefore: nil),
                       ["g|100.00|2026-11-01|g|NULL", "d|100.00|2026-10-01|næste 10|2026-10", "a|100.00|2026-09-01|a|2026-09", "b|NULL|NULL|b|NULL"])
    }

    /// Newest first by issue date, and among invoices of one date the later decided first, whatever order they were
    /// decided in; an invoice decided again counts once, by its last decision; a replay's decisions and other keys'
    /// are left out; an invoice without an issue date comes last; the limit takes the newest.
    func testHistoryComesNewestFirstWhateverOrderItWasDecidedIn() throws {
        try add("n", state: "booked", issued: nil)
        try add("m2", state: "booked", issued: "2026-10-01")
        try add("s", state: "booked", issued: "2026-12-01")
        try add("m1", state: "booked", issued: "2026-10-01")
        try add("o", state: "booked", key: "other", issued: "2026-12-15")
        try add("j", state: "booked", issued: "2026-01-01")
        try add("x", state: "manual", issued: "2026-12-20")
        try store.pool.write { db in
            // `s` decided again later (its last decision carries its date now); a replay of `j` with a later date.
            try db.execute(sql: "INSERT INTO decision (invoice_id, decided_at, robot, robot_hash, mode, outcome, history_key, amount, issue_date, trace_json) VALUES ('s', '2026-11-02T00:00:00Z', 'rent', 'h', 'live', 'book', 'k', '200.00', '2026-11-15', '[]')")
            try db.execute(sql: "INSERT INTO decision (invoice_id, decided_at, robot, robot_hash, mode, outcome, history_key, amount, issue_date, trace_json) VALUES ('j', '2026-11-02T00:00:00Z', 'rent', 'h', 'replay', 'book', 'k', '1.00', '2026-12-31', '[]')")
        }
        let ids = { (limit: Int) in try self.store.bookedHistory(robot: "rent", key: "k", limit: limit).map(\.invoiceID) }
        XCTAssertEqual(try ids(12), ["s", "m1", "m2", "j", "n"])
        XCTAssertEqual(try ids(2), ["s", "m1"])
        XCTAssertEqual(try store.bookedHistory(robot: "rent", key: "k", limit: 12).first?.amount, "200.00")
        XCTAssertEqual(try store.bookedHistory(robot: "rent", key: "k", limit: 12, issuedOnOrBefore: "2026-10-31").map(\.invoiceID), ["m1", "m2", "j", "n"])
        XCTAssertEqual(try store.historyFromOneSnapshot { try ids(3) }, ["s", "m1", "m2"])
    }

    /// Asked again after commits it did not see: each ask reads the database as it stands, also when another connection
    /// (a clerk's approval in another process) committed.
    func testSeesWhatWasCommittedAfterItsFirstAsk() throws {
        try add("a", state: "booked", issued: "2026-09-01")
        XCTAssertEqual(try store.bookedHistory(robot: "rent", key: "k", limit: 12).map(\.invoiceID), ["a"])
        try add("b", state: "manual", issued: "2026-10-01")
        XCTAssertEqual(try store.bookedHistory(robot: "rent", key: "k", limit: 12).map(\.invoiceID), ["a"])
        let other = try DatabaseQueue(path: dir + "/bilag.sqlite")
        try other.write { try $0.execute(sql: "UPDATE invoice SET state = 'booked' WHERE id = 'b'") }
        XCTAssertEqual(try store.bookedHistory(robot: "rent", key: "k", limit: 12).map(\.invoiceID), ["b", "a"])
        try other.write { try $0.execute(sql: "UPDATE invoice SET state = 'rejected' WHERE id = 'a'") }
        XCTAssertEqual(try store.bookedHistory(robot: "rent", key: "k", limit: 12).map(\.invoiceID), ["b"])
    }

    /// Between asks the connection holds no snapshot: a full checkpoint empties the log.
    func testHoldsNoSnapshotBetweenAsks() throws {
        for i in 0..<20 { try add("i\(i)", state: "booked", issued: "2026-10-01") }
        XCTAssertEqual(try store.bookedHistory(robot: "rent", key: "k", limit: 3).count, 3)
        let (busy, log, copied) = try store.pool.writeWithoutTransaction { db -> (Int, Int, Int) in
            let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")!
            return (row[0], row[1], row[2])
        }
        XCTAssertEqual(busy, 0, "a reader held the log back")
        XCTAssertEqual(log, copied)
        let size = try FileManager.default.attributesOfItem(atPath: dir + "/bilag.sqlite-wal")[.size] as? Int
        XCTAssertEqual(size, 0)
    }

    /// A batch's asks share one read transaction (`historyFromOneSnapshot`): inside it each ask answers from the
    /// snapshot of the first, as the pool would have at that moment; once the scope ends the next ask sees what was
    /// committed meanwhile, and nothing holds the log back from a checkpoint.
    func testOneSnapshotForABatchEndsWithIt() throws {
        try add("a", state: "booked", issued: "2026-09-01")
        let other = try DatabaseQueue(path: dir + "/bilag.sqlite")
        var inside: [[String]] = []
        try store.historyFromOneSnapshot {
            inside.append(try store.bookedHistory(robot: "rent", key: "k", limit: 12).map(\.invoiceID))
            try add("b", state: "booked", issued: "2026-10-01")
            try other.write { try $0.execute(sql: "UPDATE invoice SET state = 'rejected' WHERE id = 'a'") }
            inside.append(try store.bookedHistory(robot: "rent", key: "k", limit: 12).map(\.invoiceID))
            inside.append(try store.bookedHistory(robot: "rent", key: "other", limit: 12).map(\.invoiceID))
        }
        XCTAssertEqual(inside, [["a"], ["a"], []], "the asks of one scope read the snapshot of its first")
        XCTAssertEqual(try store.bookedHistory(robot: "rent", key: "k", limit: 12).map(\.invoiceID), ["b"])
        let busy = try store.pool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        XCTAssertEqual(busy, 0, "the scope's read transaction outlived it")

        // A scope whose body throws ends its transaction too.
        struct Stop: Error {}
        XCTAssertThrowsError(try store.historyFromOneSnapshot {
            _ = try store.bookedHistory(robot: "rent", key: "k", limit: 12)
            throw Stop()
        })
        try other.write { try $0.execute(sql: "UPDATE invoice SET state = 'booked' WHERE id = 'a'") }
        XCTAssertEqual(try store.bookedHistory(robot: "rent", key: "k", limit: 12).map(\.invoiceID), ["b", "a"])
        XCTAssertEqual(try store.pool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }, 0)
    }

    /// In one snapshot a key's history is read once and later asks of it are answered from those rows: every limit
    /// and issue-date cut, in any order, must answer as the query through the pool does — also past the rows read at
    /// once (`rowsAskedAtOnce`), where a cut that leaves out the latest rows needs rows beyond them.
    func testAsksAnsweredFromAKeysRowsReadOnceAnswerAsThePoolDoes() throws {
        try add("a", state: "booked", issued: "2026-09-01", period: "2026-09")
        try add("b", state: "booked", amount: nil, issued: nil)
        try add("c", state: "manual", issued: "2026-10-01")
        try add("d", state: "booked", issued: "2026-10-01", period: "2026-10")
        try add("f", state: "booked", robot: "plans", issued: "2026-10-01")
        // More than are read at once: 45 months, the latest 40 after 2026-01-01.
        for i in 0..<45 {
            let month = 1 + i % 12, year = 2023 + (i + 8) / 12
            try add(String(format: "m%02d", i), state: i % 7 == 3 ? "rejected" : "booked", key: "many", issued: String(format: "%04d-%02d-15", year, month))
        }
        XCTAssertGreaterThan(try throughThePool(robot: "rent", key: "many", limit: 100, before: nil, issuedOnOrBefore: nil).count, HistoryReader.rowsAskedAtOnce)
        let asks: [(String, String, Int, String?)] = [("rent", "k", 4, "2026-09-30"), ("rent", "k", 25, nil), ("rent", "k", 1, "2026-08-01"), ("rent", "k", 2, nil),
                                                       ("plans", "k", 3, nil), ("none", "k", 3, nil),
                                                       ("rent", "many", 4, "2026-09-30"), ("rent", "many", 25, nil), ("rent", "many", 40, "2025-12-31"),
                                                       ("rent", "many", 3, "2024-01-01"), ("rent", "many", 45, nil), ("rent", "many", 2, "2023-06-30"), ("rent", "many", 1, "2026-12-31")]
        for order in [asks, asks.reversed(), asks.shuffled()] {
            var inside: [[String]] = []
            try store.historyFromOneSnapshot {
                for (robot, key, limit, cut) in order {
                    inside.append(try throughTheReader(robot: robot, key: key, limit: limit, before: nil, issuedOnOrBefore: cut))
                }
            }
            for ((robot, key, limit, cut), got) in zip(order, inside) {
                XCTAssertEqual(got, try throughThePool(robot: robot, key: key, limit: limit, before: nil, issuedOnOrBefore: cut), "\(robot) \(key) \(limit) \(String(describing: cut))")
            }
        }
    }
}
