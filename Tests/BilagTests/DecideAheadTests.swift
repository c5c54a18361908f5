import BilagCore
import BilagEngine
import BilagStore
import BilagBench
import Foundation
import Synchronization
import XCTest

/// Decisions made ahead on the examination workers (`RobotDecider.decideAhead`) are the decisions the committing
/// thread would have made: confirmed when what they read still reads the same, made again when not.
final class DecideAheadTests: XCTestCase {
    typealias S = RobotScenarioTests

    /// Last month's rent of tenancy L-2201-3, approved by a clerk: the history this month's invoices see.
    func worldWithOctoberRent(decidingAhead: Bool) throws -> RobotWorld {
        let w = try RobotWorld(today: "2026-12-20")
        (w.pipeline.decider as? RobotDecider)?.decidesAhead = decidingAhead
        try w.addPlans(S.demoPlans)
        let first = try w.run([("r-oct", S.rent("R-10", note: "Lejer 150382-4455", contract: "L-2201-3", amount: "6250.00", date: "2026-10-01"))])
        XCTAssertEqual(first["r-oct"]?.reason, "first-rent-invoice")
        _ = try ManualQueue(pipeline: w.pipeline).approve(try w.record("r-oct").id, posting: .init(account: "5640010", dimensions: ["costcentre": "3310"]), by: "clerk")
        return w
    }

    /// In one batch: two rent invoices of one tenancy (December's change is measured against November, not October),
    /// two invoices of one monthly plan (the second is the period's second), and invoices that depend on nothing.
    static var month: [(String, ScenarioInvoice)] { [
        ("r-nov", S.rent("R-11", note: "Lejer 150382-4455", contract: "L-2201-3", amount: "6700.00", date: "2026-11-01")),
        ("r-dec", S.rent("R-12", note: "Lejer 150382-4455", contract: "L-2201-3", amount: "7150.00", date: "2026-12-01")),
        ("p-power", S.plan("EF-1", cvr: "12345666", ean: "5798000000117", amount: "8200.00", note: "Målepunkt 571313104400123456")),
        ("p-power-again", S.plan("EF-2", cvr: "12345666", ean: "5798000000117", amount: "8100.00", note: "Målepunkt 571313104400123456", date: "2026-11-20")),
        ("p-phones", S.plan("TD-1", cvr: "12345674", ean: "5798000000124", amount: "1788.00")),
        ("p-no-plan", S.plan("RG-1", cvr: "12345682", ean: "5798000000209", amount: "3600.00")),
    ] }

    func testInvoicesOfOneBatchThatDependOnEachOtherGetTheDecisionsOfTheCommittingThread() throws {
        let ahead = try worldWithOctoberRent(decidingAhead: true)
        let got = try ahead.run(Self.month)
        assertOutcomes(got, [
            "r-nov": "booked",            // +450 on October's 6250: within 500 kr. and 10 %
            "r-dec": "booked",            // +450 on November's 6700 (on October's it would be +900: too large)
            "p-power": "booked", "p-power-again": "second-invoice-in-period", "p-phones": "booked", "p-no-plan": "no-robot",
        ])
        let decider = try XCTUnwrap(ahead.pipeline.decider as? RobotDecider)
        XCTAssertGreaterThanOrEqual(decider.decidedAheadRedone.load(ordering: .relaxed), 2, "December's rent and the plan's second invoice read history their batch changed")
        XCTAssertGreaterThanOrEqual(decider.decidedAheadConfirmed.load(ordering: .relaxed), 3, "the others were taken as decided ahead")

        // The same month decided only on the committing thread: the same outcomes, reasons, robots and messages.
        let serial = try worldWithOctoberRent(decidingAhead: false)
        _ = try serial.run(Self.month)
        for (name, _) in Self.month {
            let a = try ahead.record(name), s = try serial.record(name)
            XCTAssertEqual(a.state, s.state, name)
            XCTAssertEqual(a.reasonCode, s.reasonCode, name)
            XCTAssertEqual(a.reasonMessage, s.reasonMessage, name)
            XCTAssertEqual(try ahead.store.decisions(invoice: a.id).map { "\($0.robot) \($0.mode) \($0.outcome) \($0.reasonCode ?? "-") \($0.historyKey ?? "-")" },
                           try serial.store.decisions(invoice: s.id).map { "\($0.robot) \($0.mode) \($0.outcome) \($0.reasonCode ?? "-") \($0.historyKey ?? "-")" }, name)
        }
        XCTAssertEqual((serial.pipeline.decider as? RobotDecider)?.decidedAheadConfirmed.load(ordering: .relaxed), 0)
    }

    func testIndependentInvoicesAreDecidedOnTheWorkersAndConfirmedAtCommit() throws {
        let w = try RobotWorld()
        (w.pipeline.decider as? RobotDecider)?.decidesAhead = true
        try w.addPlans(S.demoPlans)
        let got = try w.run([
            ("p-power", S.plan("EF-1", cvr: "12345666", ean: "5798000000117", amount: "8200.00", note: "Målepunkt 571313104400123456")),
            ("p-phones", S.plan("TD-1", cvr: "12345674", ean: "5798000000124", amount: "1788.00")),
            ("p-no-plan", S.plan("RG-1", cvr: "12345682", ean: "5798000000209", amount: "3600.00")),
        ])
        assertOutcomes(got, ["p-power": "booked", "p-phones": "booked", "p-no-plan": "no-robot"])
        let decider = try XCTUnwrap(w.pipeline.decider as? RobotDecider)
        XCTAssertEqual(decider.decidedAheadConfirmed.load(ordering: .relaxed), 3)
        XCTAssertEqual(decider.decidedAheadRedone.load(ordering: .relaxed), 0)
    }
}
