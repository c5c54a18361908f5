@testable import BilagStore
import BilagTestKit
import Foundation
import GRDB
import XCTest

/// The queries made for every decision must search by index: a scan makes a month quadratic (a `history` step read
/// every decision of its robot until the indexes were named).
final class StoreQueryPlanTests: XCTestCase {
    func testTheHistoryQuerySearchesByItsIndexesAndNeverScans() throws {
        let root = try TemporaryRoot()
        let store = try Store(path: root.path + "/bilag.sqlite")
        let plan = try store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + Store.bookedHistorySQL, arguments: ["r", "k", 1, 1, "2026-11-01", "2026-11-01", 12]).map { $0["detail"] as String }
        }
        XCTAssertTrue(plan.contains { $0.contains("d USING INDEX decision_history (robot=? AND history_key=?)") }, "\(plan)")
        XCTAssertEqual(plan.filter { $0.contains("decision USING INDEX decision_invoice (invoice_id=?)") }.count, 2, "\(plan)")
        XCTAssertFalse(plan.contains { $0.hasPrefix("SCAN") || $0.contains("decision_robot") }, "\(plan)")
    }

    /// The payments writer reads the open payments at every flush: by the `payment_open` index, never a scan.
    func testTheOpenPaymentsQuerySearchesByItsIndex() throws {
        let root = try TemporaryRoot()
        let store = try Store(path: root.path + "/bilag.sqlite")
        let plan = try store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + Store.paymentsInStateSQL, arguments: ["open"]).map { $0["detail"] as String }
        }
        XCTAssertTrue(plan.contains { $0.contains("payment USING INDEX payment_open (state=?)") }, "\(plan)")
        XCTAssertFalse(plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
    }
}
