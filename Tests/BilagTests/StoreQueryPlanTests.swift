@testable import BilagStore
import Foundation
import GRDB
import XCTest

/// The duplicate check runs for every invoice against every invoice before it: each of its queries must be an index
/// look-up, never a scan of the table (SQLite falls back to a scan silently, for instance when a partial index's
/// condition is not implied by the query).
final class StoreQueryPlanTests: XCTestCase {
    func testTheDuplicateQueriesUseTheirIndexes() throws {
        let store = try StoreFixture.store(self, "plan")
        let expected = [
            (Store.ownRowSQL, "sqlite_autoindex_invoice_1"),
            (Store.sameBytesSQL, "invoice_sha256"),
            (Store.sameKeySQL, "invoice_business_key"),
        ]
        try store.pool.read { db in
            for (sql, index) in expected {
                let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(Array(repeating: "x", count: sql.filter { $0 == "?" }.count)))
                    .map { $0["detail"] as String? ?? "" }.joined(separator: " | ")
                XCTAssertTrue(plan.contains("USING INDEX \(index)") || plan.contains("USING COVERING INDEX \(index)"), "\(sql): \(plan)")
                XCTAssertFalse(plan.hasPrefix("SCAN invoice") || plan.contains("| SCAN invoice"), "\(sql): \(plan)")
            }
        }
    }

    /// A claimed invoice has no business key yet; the partial index holds only invoices that have all three parts.
    func testTheBusinessKeyIndexHoldsOnlyInvoicesWithAKey() throws {
        let store = try StoreFixture.store(self, "plan")
        let claims = StoreFixture.claims(2, tag: "test") { String(repeating: "\($0)", count: 64) }
        try store.recordClaims(claims)
        func entries() throws -> Int {
            try store.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM invoice INDEXED BY invoice_business_key WHERE seller_key IS NOT NULL AND invoice_number IS NOT NULL AND issue_date IS NOT NULL") ?? -1
            }
        }
        XCTAssertEqual(try entries(), 0)
        let probe = Store.DuplicateProbe(id: claims[1].id, sha256: claims[1].sha256, businessKey: ("DK12345678", "F-1", "2026-11-20"))
        XCTAssertEqual(try store.duplicateCandidates([probe])[claims[1].id], Store.DuplicateAnswer())
        try store.pool.write { db in
            try db.execute(sql: "UPDATE invoice SET seller_key = 'DK12345678', invoice_number = 'F-1', issue_date = '2026-11-20' WHERE id = ?", arguments: [claims[0].id])
        }
        XCTAssertEqual(try entries(), 1)
        XCTAssertEqual(try store.duplicateCandidates([probe])[claims[1].id]?.sameKey, claims[0].id, "found through the index")
        let unknown = Store.DuplicateProbe(id: "not-recorded", sha256: claims[0].sha256, businessKey: ("DK12345678", "F-1", "2026-11-20"))
        XCTAssertEqual(try store.duplicateCandidates([unknown])["not-recorded"], Store.DuplicateAnswer(), "an invoice not recorded has nothing before it")
    }
}
