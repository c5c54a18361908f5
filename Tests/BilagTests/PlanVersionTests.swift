import BilagCore
import BilagEngine
import BilagStore
import BilagBench
import Foundation
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
        var got = try w.run([("ls-1", S.plan("LS-1", cvr: "12345690", ean: "5798000000117", amount: "12000.00", order: "PO-0000"))])
        assertOutcomes(got, ["ls-1": "no-plan"])
        // An operator adds the plan for that order (in another process, as `bilag plans add` does).
        try Store(path: w.store.path).addPlan(try XCTUnwrap(PlanCSV.parse("id,name,kind,supplier_cvr,receiver_ean,min_amount,max_amount,cadence,order_number,invoice_prefix,identifier,account,dimensions,vat_code,valid_from,valid_to,note\n"
            + "P-ORDER-2,Leasing,invoice-plan,12345690,5798000000117,,,yearly,PO-0000,,,4700010,costcentre=1100,I25,2026-01-01,2027-12-31,", by: "operator").first))
        got = try w.run([("ls-2", S.plan("LS-2", cvr: "12345690", ean: "5798000000117", amount: "12000.00", order: "PO-0000"))])
        assertOutcomes(got, ["ls-2": "booked"])
        // And ends it: the next invoice for that order has no plan again.
        try Store(path: w.store.path).endPlan("P-ORDER-2")
        got = try w.run([("ls-3", S.plan("LS-3", cvr: "12345690", ean: "5798000000117", amount: "12000.00", date: "2026-11-12", order: "PO-0000"))])
        assertOutcomes(got, ["ls-3": "no-plan"])
    }

    /// A supplier and receiver no plan names are answered from the set of pairs with plans (no query per invoice); a
    /// plan added for such a pair, or the pair's last plan ended, is seen by the next batch all the same.
    func testAPairWithoutPlansGetsItsFirstPlanAndLosesItsLast() throws {
        let w = try RobotWorld()
        try w.addPlans(S.demoPlans)
        var got = try w.run([("np-1", S.plan("NP-1", cvr: "12345690", ean: "5798000000117", amount: "12000.00", order: "PO-0000"))])
        assertOutcomes(got, ["np-1": "no-robot"])
        try Store(path: w.store.path).addPlan(try XCTUnwrap(PlanCSV.parse("id,name,kind,supplier_cvr,receiver_ean,min_amount,max_amount,cadence,order_number,invoice_prefix,identifier,account,dimensions,vat_code,valid_from,valid_to,note\n"
            + "P-FIRST,Leasing,invoice-plan,12345690,5798000000117,,,yearly,PO-0000,,,4700010,costcentre=1100,I25,2026-01-01,2027-12-31,", by: "operator").first))
        got = try w.run([("np-2", S.plan("NP-2", cvr: "12345690", ean: "5798000000117", amount: "12000.00", order: "PO-0000"))])
        assertOutcomes(got, ["np-2": "booked"])
        try Store(path: w.store.path).endPlan("P-FIRST")
        got = try w.run([("np-3", S.plan("NP-3", cvr: "12345690", ean: "5798000000117", amount: "12000.00", date: "2026-11-12", order: "PO-0000"))])
        assertOutcomes(got, ["np-3": "no-robot"])
    }
}
