import BilagCore
@testable import BilagEngine
@testable import BilagRobots
@testable import BilagStore
import Foundation
import GRDB
import XCTest

/// The steps of the robot that kept an invoice are stored once, in its live decision; the invoice's stored trace holds
/// their place, and every reader (`Store.documents`: `queue show`, its JSON, the web UI) gets the whole trace back.
final class StoredTraceTests: XCTestCase {
    let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    func json<T: Encodable>(_ v: T) throws -> String { String(decoding: try encoder.encode(v), as: UTF8.self) }

    /// The trace as it was written before: each robot step named `STEP (line N)`, its inputs as the detail.
    func whole(_ before: [TraceStep], _ robot: [RobotTraceStep], _ after: [TraceStep]) -> [TraceStep] {
        before + robot.map { TraceStep(step: "\($0.step) (line \($0.line))", result: $0.result, detail: $0.inputs, micros: $0.micros) } + after
    }

    func testTheRobotsStepsArePutBackInTheirPlaceFromItsDecision() throws {
        let robot = [RobotTraceStep(step: "match", line: 26, inputs: nil, result: "matched", micros: 2),
                     RobotTraceStep(step: "lookup", line: 57, inputs: "benefits.rent-cases(cpr: \"2203524109\")", result: "found {case_id: \"YD-6503\"} / ÆØÅ \\", micros: 40725)]
        let before = [TraceStep(step: "parse", result: "ubl invoice"), TraceStep(step: "route", result: "robot rent-payments@0aeb", detail: "legal basis: Aktivloven § 90")]
        let after = [TraceStep(step: "pre-control", result: "passed", detail: "3 rules")]
        let stored = try TraceStep.json(before + [TraceStep.stepsOf("rent-payments", count: 2)] + after, encoder: encoder)
        XCTAssertFalse(stored.contains("(line"), stored)
        XCTAssertEqual(stored, try json(before + [TraceStep.stepsOf("rent-payments", count: 2)] + after), "the hand-written text is the encoder's")
        let decision = try XCTUnwrap(RobotDecider.traceJSON(robot))
        var asked: [String] = []
        let expanded = try StoredTrace.expanded(stored, encoder: encoder) { asked.append($0); return decision }
        XCTAssertEqual(asked, ["rent-payments"])
        XCTAssertEqual(expanded, try json(whole(before, robot, after)), "byte for byte the trace as it was stored whole")
        // A decision that does not hold the steps counted leaves the place standing, never other steps in it.
        XCTAssertEqual(try StoredTrace.expanded(stored, encoder: encoder) { _ in try XCTUnwrap(RobotDecider.traceJSON(Array(robot.prefix(1)))) }, stored)
        XCTAssertEqual(try StoredTrace.expanded(stored, encoder: encoder) { _ in nil }, stored)
        // A trace stored whole (before this change, or without a robot) is handed back as it is, with no query.
        let old = try json(whole(before, robot, after))
        XCTAssertEqual(try StoredTrace.expanded(old, encoder: encoder) { _ in XCTFail("asked"); return nil }, old)
    }

    /// The shipped robot over its scenario month: each invoice's stored trace holds the robot's place (no step twice
    /// in the database), and what `documents` gives is the whole trace with the live decision's steps, also after
    /// a re-run (the newest decision's).
    func testEveryInvoiceOfAMonthReadsBackWithItsRobotsSteps() throws {
        let w = try RobotWorld()
        try w.run(RobotScenarioTests.medicalMonth)
        let records = try w.store.invoices(limit: 1000)
        XCTAssertEqual(records.count, RobotScenarioTests.medicalMonth.count)
        var kept = 0
        for r in records {
            let raw = try DatabaseQueue(path: w.store.path).read { db in try String.fetchOne(db, sql: "SELECT trace_json FROM invoice WHERE id = ?", arguments: [r.id]) }
            let stored = try XCTUnwrap(raw)
            let trace = try XCTUnwrap(w.store.documents(r.id).trace)
            let steps = try JSONDecoder().decode([TraceStep].self, from: Data(trace.utf8))
            XCTAssertFalse(steps.contains { $0.stepsOfDecision != nil }, "no place left standing: \(trace)")
            guard let live = try w.store.decisions(invoice: r.id).last(where: { $0.mode == "live" && $0.outcome != "declined" }) else { continue }
            kept += 1
            XCTAssertTrue(stored.contains("\"steps_of_decision\":\"medical-certificates\""), stored)
            XCTAssertFalse(stored.contains("(line "), "the robot's steps are not stored twice: \(stored)")
            let robotSteps = try JSONDecoder().decode([RobotTraceStep].self, from: Data(live.traceJSON.utf8))
            let shown = steps.filter { $0.step.contains("(line ") }
            XCTAssertEqual(shown.map(\.step), robotSteps.map { "\($0.step) (line \($0.line))" })
            XCTAssertEqual(shown.map(\.result), robotSteps.map(\.result))
            XCTAssertEqual(shown.map(\.detail), robotSteps.map(\.inputs))
            let route = try XCTUnwrap(steps.firstIndex { $0.step == "route" })
            XCTAssertEqual(steps.firstIndex { $0.step.contains("(line ") }, route + 1, "in their place, after the route")
        }
        XCTAssertEqual(kept, records.count, "the robot kept every invoice of its month")
        // Re-run: the steps shown are those of the newest decision.
        let manual = try XCTUnwrap(records.first { $0.state == .manual })
        _ = try ManualQueue(pipeline: w.pipeline).retry(manual.id, by: "anna")
        let decisions = try w.store.decisions(invoice: manual.id).filter { $0.mode == "live" }
        XCTAssertEqual(decisions.count, 2)
        let newest = try JSONDecoder().decode([RobotTraceStep].self, from: Data(try XCTUnwrap(decisions.last).traceJSON.utf8))
        let steps = try JSONDecoder().decode([TraceStep].self, from: Data(try XCTUnwrap(w.store.documents(manual.id).trace).utf8))
        XCTAssertEqual(steps.filter { $0.step.contains("(line ") }.map(\.micros), newest.map(\.micros))
    }
}
