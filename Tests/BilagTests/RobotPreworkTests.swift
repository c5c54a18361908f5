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

    /// The steps of a run that read the invoice alone are run on the worker (`RobotRunner.Beginning`), up to the first
    /// that reads a case system, history or plans; the committing thread goes on from there. Decisions and traces are
    /// those of a run from the start, whether the beginning ends the run (a missing CPR number, a credit note) or not,
    /// and a robot whose first step reads plans has an empty beginning.
    func testARunGoesOnFromItsBeginningMadeOnTheWorker() throws {
        let w = try RobotWorld(today: "2026-12-20")
        try w.addPlans(S.demoPlans)
        let decider = try XCTUnwrap(w.pipeline.decider as? RobotDecider)
        let invoices: [(String, ScenarioInvoice, String)] = [
            ("rent", S.rent("R-11", note: "Lejer 150382-4455", contract: "L-2201-3", amount: "6700.00", date: "2026-11-01"), "lookup"),
            ("rent credit note", S.rent("R-12", note: "Lejer 150382-4455", contract: "L-2201-3", amount: "6700.00", date: "2026-11-01", credit: true), "ended credit-note"),
            ("certificate", S.med("M1", note: "Attest vedr. CPR 010190-1234", amount: "405.00"), "lookup"),
            ("certificate without CPR", S.med("M2", note: "Attest", amount: "405.00"), "ended missing-cpr"),
            ("plan", S.plan("EF-1", cvr: "12345666", ean: "5798000000117", amount: "8200.00", note: "Målepunkt 571313104400123456"), "plan"),
        ]
        for (i, (name, inv, stands)) in invoices.enumerated() {
            var plain = try input(inv, id: "inv-\(i)")
            let without = decider.decide(plain, connectors: decider.connectors, ahead: true)
            plain.prework = decider.prework(plain)
            let prework = try XCTUnwrap(plain.prework as? RobotPrework, name)
            let live = try XCTUnwrap(prework.matched.firstIndex { $0.robot.mode != .shadow }, name)
            let robot = prework.matched[live].robot
            let beginning = try XCTUnwrap(prework.beginning(live), name)
            XCTAssertEqual(beginning.trace.first?.step, "match", name)
            if let ended = beginning.ended {
                guard case let .deviation(reason, _) = ended.outcome else { return XCTFail("\(name): \(ended.outcome)") }
                XCTAssertEqual("ended " + reason, stands, name)
            } else {
                // It stopped at the first step that reads more than the invoice, having run every step before it.
                XCTAssertEqual(robot.steps[beginning.next].kind, stands, name)
                XCTAssertTrue(robot.steps[..<beginning.next].allSatisfy(RobotRunner.readsOnlyTheRun), name)
                XCTAssertEqual(beginning.trace.count, beginning.next + 1, name)
            }
            if name == "rent" { XCTAssertEqual(beginning.next, 6, "require, check, extract, require, require, check: then the lookup") }
            if name == "plan" { XCTAssertEqual(beginning.next, 0) }
            let with = decider.decide(plain, connectors: decider.connectors, ahead: true)
            XCTAssertEqual(Self.shape(with), Self.shape(without), name)
            // The robots' stored traces too: the steps written on the worker and the rest, as the whole written at once.
            XCTAssertEqual(with.decisions.map { Self.untimed($0.traceJSON) }, without.decisions.map { Self.untimed($0.traceJSON) }, name)
            XCTAssertTrue(with.decisions.allSatisfy { $0.traceJSON.hasPrefix("[{\"line\":") }, name)
        }
    }

    /// A trace's JSON without its timings.
    static func untimed(_ json: String) -> String {
        json.replacingOccurrences(of: "\"micros\":[0-9]+", with: "\"micros\":0", options: .regularExpression)
    }

    /// A run with a stop an operator accepted goes on past that stop; a beginning made ahead did not know of it, so
    /// such a run starts from the first step, and goes past the stop the beginning ended with.
    func testARunWithAnAcceptedStopDoesNotTakeTheBeginning() throws {
        let w = try RobotWorld(today: "2026-12-20")
        let decider = try XCTUnwrap(w.pipeline.decider as? RobotDecider)
        let inv = try input(S.med("M2", note: "Attest", amount: "405.00"), id: "inv-1")
        let prework = try XCTUnwrap(decider.prework(inv) as? RobotPrework)
        let (robot, env) = try XCTUnwrap(prework.matched.first)
        let beginning = try XCTUnwrap(prework.beginning(0))
        guard case .deviation("missing-cpr", _) = beginning.ended?.outcome else { return XCTFail("\(String(describing: beginning.ended?.outcome))") }
        var ctx = RobotContext(invoiceID: "inv-1", channel: "test", invoice: inv.invoice, today: prework.today, connectors: decider.connectors, history: NoHistory(), plans: NoPlans(),
                               variables: prework.variables)
        ctx.accepted = ["missing-cpr"]
        let fromStart = RobotRunner(robot: robot).run(ctx, in: env, matched: true)
        let fromBeginning = RobotRunner(robot: robot).run(ctx, in: env, matched: true, from: beginning)
        XCTAssertTrue(fromStart.trace.contains { $0.step == "approved" }, "\(fromStart.trace)")
        XCTAssertEqual(fromBeginning.trace.map { "\($0.step)|\($0.result)" }, fromStart.trace.map { "\($0.step)|\($0.result)" })
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
