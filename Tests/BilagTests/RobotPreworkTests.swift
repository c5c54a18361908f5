import BilagBench
import BilagCore
@testable import BilagEngine
import BilagFormats
import BilagRobots
import BilagValidation
import Foundation
import XCTest

/// What a decision needs from the invoice alone (its variables, the robots that take it) is worked out on the
/// examination worker (`RobotDecider.prework`); the decision made with it is the one made without it, and a prework
/// made under other robots or another date is not used.
final class RobotPreworkTests: XCTestCase {
    typealias S = RobotScenarioTests

    func input(_ inv: ScenarioInvoice, id: String) throws -> DecisionInput {
        let doc = try DocumentParser.parse(Data(inv.xml.utf8))
        return DecisionInput(invoiceID: id, channel: "test", invoice: doc.invoice, validation: Validator().validate(doc))
    }

    /// Everything of a decision but the timings.
    static func shape(_ r: DecisionRecord) -> String {
        let decision: String
        switch r.decision {
        case let .book(b): decision = "book \(b.postings.map { "\($0.account) \($0.dimensions.sorted { $0.key < $1.key })" })"
        case let .manual(reason, message): decision = "manual \(reason) \(message)"
        case let .wait(c, m, _): decision = "wait \(c) \(m)"
        }
        return ([decision, r.actor] + r.trace.map { "\($0.step)|\($0.result)|\($0.detail ?? "")" }
                + r.decisions.map { "\($0.robot) \($0.mode) \($0.outcome) \($0.reasonCode ?? "-") \($0.message ?? "-") \($0.historyKey ?? "-")" }
                + r.caseUpdates.map { "\($0.connector) \($0.action) \($0.payload)" }).joined(separator: "\n")
    }

    func testADecisionWithTheWorkersPreworkIsTheDecisionWithout() throws {
        let w = try RobotWorld(today: "2026-12-20")
        try w.addPlans(S.demoPlans)
        let decider = try XCTUnwrap(w.pipeline.decider as? RobotDecider)
        let invoices: [(String, ScenarioInvoice)] = [
            ("rent", S.rent("R-11", note: "Lejer 150382-4455", contract: "L-2201-3", amount: "6700.00", date: "2026-11-01")),
            ("plan", S.plan("EF-1", cvr: "12345666", ean: "5798000000117", amount: "8200.00", note: "Målepunkt 571313104400123456")),
            ("no-plan", S.plan("RG-1", cvr: "12345682", ean: "5798000000209", amount: "3600.00")),
        ]
        for (i, (name, inv)) in invoices.enumerated() {
            var plain = try input(inv, id: "inv-\(i)")
            let without = decider.decide(plain, connectors: decider.connectors, ahead: true)
            plain.prework = decider.prework(plain)
            XCTAssertNotNil(plain.prework, name)
            XCTAssertEqual(Self.shape(decider.decide(plain, connectors: decider.connectors, ahead: true)), Self.shape(without), name)
        }
    }

    func testAPreworkMadeUnderOtherRobotsIsNotUsed() throws {
        let w = try RobotWorld(today: "2026-12-20")
        try w.addPlans(S.demoPlans)
        let decider = try XCTUnwrap(w.pipeline.decider as? RobotDecider)
        var inv = try input(S.plan("EF-1", cvr: "12345666", ean: "5798000000117", amount: "8200.00", note: "Målepunkt 571313104400123456"), id: "inv-1")
        let real = Self.shape(decider.decide(inv, connectors: decider.connectors, ahead: true))
        XCTAssertTrue(real.hasPrefix("book"), real)
        // A prework saying no robot takes it, made under the robots as they are: it is used (the robots are not asked again).
        let now = decider.generation.load(ordering: .acquiring)
        inv.prework = RobotPrework(generation: now, today: LocalDate(parsing: "2026-12-20")!, variables: InvoiceVariables.values(inv.invoice, channel: "test", today: LocalDate(parsing: "2026-12-20")!), matched: [])
        XCTAssertTrue(Self.shape(decider.decide(inv, connectors: decider.connectors, ahead: true)).hasPrefix("manual no-robot"))
        // The robots were looked at again since (a pass begins, a reload): the same prework is not used.
        decider.refresh()
        XCTAssertEqual(Self.shape(decider.decide(inv, connectors: decider.connectors, ahead: true)), real)
        // Nor one made on another day.
        inv.prework = RobotPrework(generation: decider.generation.load(ordering: .acquiring), today: LocalDate(parsing: "2026-12-19")!, variables: [:], matched: [])
        XCTAssertEqual(Self.shape(decider.decide(inv, connectors: decider.connectors, ahead: true)), real)
    }

    /// The posting rules' line in the trace of a booking is worked out once per change of the rules, and follows a
    /// change (a reload).
    func testThePostingRulesLineFollowsAChangeOfTheRules() throws {
        let w = try RobotWorld(today: "2026-12-20")
        let decider = try XCTUnwrap(w.pipeline.decider as? RobotDecider)
        let inv = try input(S.med("M1", note: "Attest vedr. CPR 010190-1234", amount: "405.00"), id: "inv-1")
        func line() -> String? { decider.decide(inv, connectors: decider.connectors, ahead: true).trace.first { $0.step == "posting rules" }?.detail }
        XCTAssertEqual(line(), decider.postingRules.summary)
        var rules = decider.postingRules
        rules.requiredDimensions = ["costcentre", "case"]
        decider.postingRules = rules
        XCTAssertEqual(line(), rules.summary)
        XCTAssertTrue(line()?.contains("dimensions costcentre, case") == true, line() ?? "-")
    }
}
