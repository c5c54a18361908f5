@testable import BilagStore
import BilagTestKit
import Foundation
import GRDB
import XCTest

/// The queries made for every decision must search by index: a scan makes a month quadratic (a `history` step read
/// every decision of its robot until the indexes were named).
final class StoreQueryPlanTests: XCTestCase {
    /// The query plan of `sql` on a new, migrated store, one detail a step.
    func plan(_ sql: String, _ arguments: StatementArguments) throws -> [String] {
        let dir = NSTemporaryDirectory() + "bilag-plan-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: dir + "/bilag.sqlite")
        return try store.pool.read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String } }
    }

    /// The history query reads a key's decisions by index, newest first as the index holds them: it never scans, and
    /// never sorts (a temporary B-tree for the ORDER BY cost as much as the rest of each ask).
    func testTheHistoryQuerySearchesByItsIndexesAndNeverScans() throws {
        let plan = try plan(Store.bookedHistorySQL, ["r", "k", 1, 1, "2026-11-01", "2026-11-01", 12])
        XCTAssertTrue(plan.contains { $0.contains("d USING INDEX decision_history_newest (robot=? AND history_key=? AND mode=?)") }, "\(plan)")
        XCTAssertEqual(plan.filter { $0.contains("decision USING INDEX decision_invoice (invoice_id=?)") }.count, 2, "\(plan)")
        XCTAssertFalse(plan.contains { $0.hasPrefix("SCAN") || $0.contains("decision_robot") }, "\(plan)")
        XCTAssertFalse(plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
    }

    /// A store from before the history's index was in its order (v13): after the upgrade its old index is gone, the
    /// new one is there, and the history it held comes back newest first as before.
    func testTheMigrationPutsTheHistoryIndexInItsOrder() throws {
        let (dir, old) = try olderDatabase(upTo: "v13-supplier-key-organisation-number")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try old.write { db in
            for (id, issued) in [("a", "2026-09-01"), ("b", "2026-11-01"), ("c", "2026-10-01")] {
                try db.execute(sql: "INSERT INTO invoice (id, channel, source_path, stored_path, sha256, size, received_at, state, updated_at) VALUES (?, 'c', ?, ?, ?, 1, '2026-11-01', 'booked', '2026-11-01')", arguments: [id, id, id, id])
                try db.execute(sql: "INSERT INTO decision (invoice_id, decided_at, robot, robot_hash, mode, outcome, history_key, amount, issue_date, trace_json) VALUES (?, '2026-11-01', 'rent', 'h', 'live', 'book', 'k', '100.00', ?, '[]')", arguments: [id, issued])
            }
        }
        try old.close()
        let store = try Store(path: dir + "/bilag.sqlite")
        let indexes = try store.pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'decision' ORDER BY name") }
        XCTAssertTrue(indexes.contains("decision_history_newest") && !indexes.contains("decision_history"), "\(indexes)")
        XCTAssertEqual(try store.bookedHistory(robot: "rent", key: "k", limit: 12).map(\.invoiceID), ["b", "c", "a"])
    }

    /// The duplicate check asks for every invoice whether its supplier sent the number before: by index, never a scan.
    func testTheSameNumberQuerySearchesByItsIndex() throws {
        let plan = try plan(Store.sameKeySQL, ["12345666", "CR4711", "invoice", 10])
        XCTAssertTrue(plan.contains { $0.contains("USING INDEX invoice_number_key (seller_key=? AND number_key=?") }, "\(plan)")
        XCTAssertFalse(plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
    }

    /// A database from before the number key: the migration keys the numbers it holds, so an invoice sent again
    /// after the upgrade is found all the same.
    func testTheMigrationKeysTheNumbersOfAnOlderDatabase() throws {
        let (store, folder) = try olderStore(upTo: "v9-perf-plan-version", booked: "cr-4711", keyedAs: nil)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        XCTAssertEqual(try store.pool.read { db in try String.fetchOne(db, sql: "SELECT number_key FROM invoice WHERE id = 'a'") }, "CR4711")
        XCTAssertEqual(try sameKey(in: store, numberKey: "CR4711", invoiceNumber: "CR-4711"), Store.SameKey(id: "a", invoiceNumber: "cr-4711", issueDate: "2026-11-10"))
    }

    /// A store keyed before the key folded full-width forms (v10) has them keyed again, so a number paid as `FW-４７１１`
    /// is found when it comes again as `FW-4711`.
    func testTheMigrationKeysFullWidthNumbersAgain() throws {
        // As v10 keyed it: the full-width characters kept as they were.
        let (store, folder) = try olderStore(upTo: "v10-invoice-number-key", booked: "FW-４７１１", keyedAs: "FW４７１１")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        XCTAssertEqual(try store.pool.read { db in try String.fetchOne(db, sql: "SELECT number_key FROM invoice WHERE id = 'a'") }, "FW4711")
        XCTAssertEqual(try sameKey(in: store, numberKey: "FW4711", invoiceNumber: "FW-4711")?.id, "a")
    }

    /// A store from before supplier keys reduced to the organisation number (v13): an invoice keyed `CVR12345666`, and
    /// a payee account under that key, are keyed `12345666` — a resend after the upgrade is the same invoice of the
    /// same supplier, with the same known accounts.
    func testTheMigrationKeysSuppliersByTheirOrganisationNumber() throws {
        let (dir, old) = try olderDatabase(upTo: "v12-robot-tables-seen")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try old.write { db in
            try db.execute(sql: "INSERT INTO invoice (id, channel, source_path, stored_path, sha256, size, received_at, state, updated_at, document_kind, invoice_number, number_key, issue_date, seller_key) VALUES ('a', 'c', 'a.xml', 'a.xml', 'x', 1, '2026-11-01', 'booked', '2026-11-01', 'invoice', 'A-1', 'A1', '2026-11-10', 'CVR12345666')")
            try db.execute(sql: "INSERT INTO payee_account (supplier_key, account_key, label, source, first_seen, last_seen) VALUES ('CVR12345666', 'IBAN:DK5000400440116243', 'IBAN DK5000400440116243', 'paid', '2026-11-01', '2026-11-01')")
        }
        try old.close()
        let store = try Store(path: dir + "/bilag.sqlite")
        XCTAssertEqual(try sameKey(in: store, numberKey: "A1", invoiceNumber: "A-1")?.id, "a")
        XCTAssertEqual(try store.payeeAccounts(supplier: "12345666").map(\.accountKey), ["IBAN:DK5000400440116243"])
    }

    /// A store migrated up to `version` holding one booked invoice `a` (supplier 12345666, issued 2026-11-10) with
    /// number `booked` and number key `keyedAs`, then opened (so migrated to the end); and its folder.
    /// A database in a new folder, migrated as far as `version`: the folder (to remove after) and the database.
    func olderDatabase(upTo version: String) throws -> (String, DatabaseQueue) {
        let dir = NSTemporaryDirectory() + "bilag-plan-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let old = try DatabaseQueue(path: dir + "/bilag.sqlite")
        try Schema.migrator.migrate(old, upTo: version)
        return (dir, old)
    }

    func olderStore(upTo version: String, booked number: String, keyedAs key: String?) throws -> (Store, String) {
        let (dir, old) = try olderDatabase(upTo: version)
        let path = dir + "/bilag.sqlite"
        try old.write { db in
            let keyColumn = key == nil ? "" : ", number_key"
            try db.execute(sql: "INSERT INTO invoice (id, channel, source_path, stored_path, sha256, size, received_at, state, updated_at, document_kind, invoice_number, issue_date, seller_key\(keyColumn)) VALUES ('a', 'c', 'a.xml', 'a.xml', 'x', 1, '2026-11-01', 'booked', '2026-11-01', 'invoice', ?, '2026-11-10', '12345666'\(key == nil ? "" : ", ?"))",
                           arguments: StatementArguments([number] + (key.map { [$0] } ?? [])))
        }
        try old.close()
        return (try Store(path: path), dir)
    }

    /// The earlier invoice the duplicate check finds for a new invoice `b` of supplier 12345666 with this number.
    func sameKey(in store: Store, numberKey: String, invoiceNumber: String) throws -> Store.SameKey? {
        let probe = Store.DuplicateProbe(id: "b", sha256: "y", businessKey: .init(sellerKey: "12345666", documentKind: .invoice, numberKey: numberKey, invoiceNumber: invoiceNumber, issueDate: "2026-11-20"))
        try store.pool.write { db in
            try db.execute(sql: "INSERT INTO invoice (id, channel, source_path, stored_path, sha256, size, received_at, state, updated_at) VALUES ('b', 'c', 'b.xml', 'b.xml', 'y', 1, '2026-11-02', 'received', '2026-11-02')")
        }
        return try store.duplicateCandidates([probe])["b"]?.sameKey
    }

    /// Taking over case-update files asks for the files of a connector (`caseUpdateFileNames`): by index, never a scan
    /// of every update.
    func testCaseUpdateFileNamesSearchByIndex() throws {
        let plan = try plan(Store.caseUpdateFileNamesSQL, ["benefits"])
        XCTAssertTrue(plan.contains { $0.contains("case_update_connector_file") }, "\(plan)")
        XCTAssertFalse(plan.contains { $0.hasPrefix("SCAN case_update") && !$0.contains("INDEX") }, "\(plan)")
    }

    /// Releasing a held booking (every confirmed write-back asks) finds the held booking by its key and the invoice's
    /// pending write-backs by index, never scanning either table.
    func testReleasingAHeldBookingSearchesByIndex() throws {
        let plan = try plan(Store.releaseSQL.replacingOccurrences(of: "INSERT INTO journal_entry (invoice_id, created_at, line) ", with: ""), ["t", "i", "i"])
        XCTAssertTrue(plan.contains { $0.contains("held_booking USING INDEX sqlite_autoindex_held_booking_1 (invoice_id=?)") }, "\(plan)")
        XCTAssertTrue(plan.contains { $0.contains("case_update USING INDEX case_update_invoice (invoice_id=?)") }, "\(plan)")
        XCTAssertFalse(plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
    }

    /// Every statement `apply` runs for each outcome prepares on a migrated store, and is looked up once per `apply`:
    /// asked again, a slot gives the same prepared statement.
    func testTheOutcomeStatementsPrepareAndAreLookedUpOnce() throws {
        let dir = NSTemporaryDirectory() + "bilag-plan-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: dir + "/bilag.sqlite")
        try store.pool.write { db in
            var statements = OutcomeStatements(db)
            for slot in OutcomeStatements.Slot.allCases {
                let first = try statements(slot)
                XCTAssertTrue(first === (try statements(slot)), "\(slot)")
                XCTAssertEqual(first.sql.trimmingCharacters(in: .whitespacesAndNewlines), slot.sql.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
    }

    /// The payments writer reads its payment files at every flush (`paymentFiles(writer)`), and the fraud guard a
    /// supplier's known accounts for every invoice a robot would pay (`payeeAccounts(supplier:)`): each by index.
    /// (As `(? IS NULL OR writer = ?)` both scanned their tables.)
    func testPaymentFilesOfAWriterAndASuppliersAccountsSearchByIndex() throws {
        let files = try plan(Store.paymentFilesOfWriterSQL, ["bank"])
        XCTAssertTrue(files.contains { $0.contains("payment_file USING INDEX payment_file_writer (writer=?)") }, "\(files)")
        XCTAssertFalse(files.contains { $0.hasPrefix("SCAN") }, "\(files)")
        let accounts = try plan(Store.payeeAccountsOfSupplierSQL, ["12345678"])
        XCTAssertTrue(accounts.contains { $0.contains("payee_account USING PRIMARY KEY (supplier_key=?)") }, "\(accounts)")
        XCTAssertFalse(accounts.contains { $0.hasPrefix("SCAN") }, "\(accounts)")
    }

    /// The payments writer reads the open payments at every flush: by the `payment_open` index, never a scan.
    func testTheOpenPaymentsQuerySearchesByItsIndex() throws {
        let plan = try plan(Store.paymentsInStateSQL, ["open"])
        XCTAssertTrue(plan.contains { $0.contains("payment USING INDEX payment_open (state=?)") }, "\(plan)")
        XCTAssertFalse(plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
    }
}
