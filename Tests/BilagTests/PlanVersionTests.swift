import BilagCore
import BilagEngine
@testable import BilagStore
import BilagBench
import BilagTestKit
import Foundation
import GRDB
import XCTest

/// The plans a robot consults are read once and kept until a plan changes (`Store.planVersion`), not read again after
/// every batch; a plan an operator adds or ends between batches is seen by the next one.
final class PlanVersionTests: XCTestCase {
    typealias S = RobotScenarioTests
    static let orderPlan = "P-ORDER,Leasing,invoice-plan,12345690,5798000000117,,,yearly,PO-7788,,,4700010,costcentre=1100,I25,2026-01-01,2027-12-31,"

    func testThePlanVersionMovesWithEveryChangeToThePlans() throws {
        let w = try RobotWorld()
        let v0 = try w.store.planVersion()
        try w.addPlans([Self.orderPlan])
        let v1 = try w.store.planVersion()
        XCTAssertGreaterThan(v1, v0)
        try w.store.endPlan("P-ORDER")
        XCTAssertGreaterThan(try w.store.planVersion(), v1)
    }

    func testAPlanAddedOrEndedBetweenBatchesIsSeenByTheNextBatch() throws {
        let w = try RobotWorld()
        try w.addPlans(S.demoPlans + [Self.orderPlan])
        // The pair has a plan, but not for that order: `no-plan` before the operator's plan and after it ended.
        try assertSeenByTheNextBatch(w, plan: "P-ORDER-2", invoices: "LS", withoutIt: "no-plan")
    }

    /// A supplier and receiver no plan names are answered from the set of pairs with plans (no query per invoice); a
    /// plan added for such a pair, or the pair's last plan ended, is seen by the next batch all the same.
    func testAPairWithoutPlansGetsItsFirstPlanAndLosesItsLast() throws {
        let w = try RobotWorld()
        try w.addPlans(S.demoPlans)
        // No plan names the pair: the robot declines the invoice before the plan and after it ended.
        try assertSeenByTheNextBatch(w, plan: "P-FIRST", invoices: "NP", withoutIt: "no-robot")
    }

    /// A plan's dimensions are read back as they were added, whatever their texts (read by hand when plain, by the
    /// decoder when a text has an escape), and a pair's plans are read with them.
    func testAPlansDimensionsAreReadBackAsAdded() throws {
        // In a folder of its own, removed whole with the root: the database and its -wal, -shm and lock files.
        let root = try TemporaryRoot()
        defer { withExtendedLifetime(root) {} }
        let store = try Store(path: root.path + "/plans.sqlite")
        let cases: [[String: String]] = [
            [:], ["costcentre": "1100"], ["costcentre": "1100", "project": "Skole \"Nord\"", "sti": "a\\b/c"],
            ["afdeling": "Sundhed & Ældre", "": "tom nøgle", "linje": "første\nanden", "tab": "\t"],
        ]
        for (i, dims) in cases.enumerated() {
            try store.addPlan(PaymentPlan(id: "P-\(i)", kind: "pre-posting", supplierCVR: "12345690", receiverEAN: "5798000000117", identifier: "K-\(i)", account: "4310010",
                                          dimensions: dims, validFrom: LocalDate(parsing: "2026-01-01")!, validTo: LocalDate(parsing: "2026-12-31")!, createdBy: "test"))
        }
        let read = try store.plans(supplierCVR: "12345690", receiverEAN: "5798000000117")
        XCTAssertEqual(read.map(\.id), cases.indices.map { "P-\($0)" })
        for (plan, dims) in zip(read, cases) { XCTAssertEqual(plan.dimensions, dims, plan.id) }
    }

    /// Plans are read in place, column by column: a plan with every column set and one with every optional column
    /// empty come back as they were added, from a pair's plans and from the listings alike, and a plan ended or of
    /// another pair is left out of the pair's.
    func testPlansComeBackAsTheyWereAddedFromThePairAndTheListings() throws {
        // In a folder of its own, removed whole with the root: the database and its -wal, -shm and lock files.
        let root = try TemporaryRoot()
        defer { withExtendedLifetime(root) {} }
        let store = try Store(path: root.path + "/plans.sqlite")
        var full = PaymentPlan(id: "P-FULL", name: "Leasing, Skole \"Nord\"", kind: "invoice-plan", supplierCVR: "12345690", receiverEAN: "5798000000117",
                               minAmount: Amount(parsing: "100.50"), maxAmount: Amount(parsing: "20000.00"), cadence: "monthly", orderNumber: "PO-1",
                               invoicePrefix: "70012", identifier: "571313104400000017", account: "4310010", dimensions: ["costcentre": "1100", "projekt": "Ældre"],
                               vatCode: "I25", validFrom: LocalDate(parsing: "2026-01-01")!, validTo: LocalDate(parsing: "2027-06-30")!, createdBy: "alice", note: "aftale 7")
        full.createdAt = "2026-01-02T10:00:00.000Z"
        let bare = PaymentPlan(id: "P-BARE", kind: "pre-posting", supplierCVR: "12345690", receiverEAN: "5798000000117", account: "4700010",
                               dimensions: [:], validFrom: LocalDate(parsing: "2026-02-01")!, validTo: PaymentPlan.openEnded, createdBy: "bob")
        let other = PaymentPlan(id: "P-OTHER", kind: "pre-posting", supplierCVR: "12345690", receiverEAN: "5798000000209", account: "4700010",
                                dimensions: [:], validFrom: LocalDate(parsing: "2026-02-01")!, validTo: PaymentPlan.openEnded, createdBy: "bob")
        let ended = PaymentPlan(id: "P-ENDED", kind: "pre-posting", supplierCVR: "12345690", receiverEAN: "5798000000117", account: "4700010",
                                dimensions: [:], validFrom: LocalDate(parsing: "2026-02-01")!, validTo: PaymentPlan.openEnded, createdBy: "bob")
        for p in [full, bare, other, ended] { try store.addPlan(p) }
        try store.endPlan("P-ENDED")

        let inPlace = try store.plans(supplierCVR: "12345690", receiverEAN: "5798000000117")
        XCTAssertEqual(inPlace.map(\.id), ["P-BARE", "P-FULL"])
        // The listings read the same plans the same way.
        XCTAssertEqual(try store.plans().filter { $0.receiverEAN == "5798000000117" }, inPlace)
        XCTAssertEqual(try store.plan("P-FULL"), inPlace.last)
        XCTAssertEqual(try store.plan("P-ENDED")?.endedAt != nil, true)
        XCTAssertNil(try store.plan("P-NONE"))
        XCTAssertEqual(try store.plans(includeEnded: true).map(\.id).sorted(), ["P-BARE", "P-ENDED", "P-FULL", "P-OTHER"])
        let read = try XCTUnwrap(inPlace.last)
        XCTAssertEqual(read, full)
        XCTAssertEqual(inPlace[0], bare)
        XCTAssertEqual(read.name, full.name)
        XCTAssertEqual(read.minAmount, full.minAmount)
        XCTAssertEqual(read.dimensions, full.dimensions)
        XCTAssertEqual(read.identifier, full.identifier)
        XCTAssertEqual(read.validTo, full.validTo)
        XCTAssertEqual(read.createdBy, "alice")
        XCTAssertNil(inPlace[0].name)
        XCTAssertNil(inPlace[0].minAmount)
        XCTAssertTrue(inPlace[0].isOpenEnded)
    }

    /// An invoice for order PO-0000 of supplier 12345690 to receiver 5798000000117 ends as `withoutIt`; an operator
    /// adds plan `id` for that order in another process (as `bilag plans add` does) and the next batch's invoice is
    /// booked; the operator ends it and the next invoice ends as `withoutIt` again.
    func assertSeenByTheNextBatch(_ w: RobotWorld, plan id: String, invoices prefix: String, withoutIt: String, file: StaticString = #filePath, line: UInt = #line) throws {
        func decide(_ n: Int, date: String = "2026-11-10") throws -> [String: (state: InvoiceState, reason: String?)] {
            try w.run([("\(prefix.lowercased())-\(n)", S.plan("\(prefix)-\(n)", cvr: "12345690", ean: "5798000000117", amount: "12000.00", date: date, order: "PO-0000"))])
        }
        assertOutcomes(try decide(1), ["\(prefix.lowercased())-1": withoutIt], file: file, line: line)
        try Store(path: w.store.path).addPlan(try XCTUnwrap(PlanCSV.parse("id,name,kind,supplier_cvr,receiver_ean,min_amount,max_amount,cadence,order_number,invoice_prefix,identifier,account,dimensions,vat_code,valid_from,valid_to,note\n"
            + "\(id),Leasing,invoice-plan,12345690,5798000000117,,,yearly,PO-0000,,,4700010,costcentre=1100,I25,2026-01-01,2027-12-31,", by: "operator").first))
        assertOutcomes(try decide(2), ["\(prefix.lowercased())-2": "booked"], file: file, line: line)
        try Store(path: w.store.path).endPlan(id)
        assertOutcomes(try decide(3, date: "2026-11-12"), ["\(prefix.lowercased())-3": withoutIt], file: file, line: line)
    }
}
