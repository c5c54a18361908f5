import BilagCore
@testable import BilagEngine
@testable import BilagRobots
import Foundation
import XCTest

/// The decision trace is written without JSONEncoder on the serial path; it must be the encoder's text exactly.
final class TraceJSONTests: XCTestCase {
    func testTraceJSONIsTheEncodersText() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let texts = ["", "plain", "Rådhuset ÆØÅ", "a/b \\ \"quoted\"", "emoji 🧾", "tab\there"]
        for t in texts {
            let steps = [
                RobotTraceStep(step: "lookup \(t)", line: 12, inputs: t, result: "found \(t)", micros: 37),
                RobotTraceStep(step: "check", line: 1, inputs: nil, result: t, micros: 0),
            ]
            let expected = String(decoding: try encoder.encode(steps), as: UTF8.self)
            if t.contains("\t") { XCTAssertNil(RobotDecider.traceJSON(steps)); continue }
            XCTAssertEqual(RobotDecider.traceJSON(steps), expected)
        }
        XCTAssertEqual(RobotDecider.traceJSON([]), "[]")
    }

    /// A run's first steps written on the examination worker (`WrittenSteps`), the rest at commit: the encoder's text
    /// exactly, at every cut. Steps written ahead that no longer begin the trace (changed since) are written again,
    /// and a text with a control character writes nothing ahead.
    func testStepsWrittenAheadAndTheRestAreTheEncodersText() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let steps = [
            RobotTraceStep(step: "match", line: 3, inputs: nil, result: "matched", micros: 1),
            RobotTraceStep(step: "require", line: 7, inputs: "seller.cvr", result: "present, valid cvr", micros: 2),
            RobotTraceStep(step: "let", line: 12, inputs: nil, result: "cpr = \"150382-4455\"; note = \"Rådhuset / \\ ÆØÅ\"", micros: 31),
            RobotTraceStep(step: "lookup", line: 20, inputs: "benefits.rent-cases(cpr: \"1503824455\")", result: "found {status: \"active\"}", micros: 16),
            RobotTraceStep(step: "book", line: 40, inputs: nil, result: "book on 5640010", micros: 9),
        ]
        for cut in 0...steps.count {
            let written = try XCTUnwrap(WrittenSteps(Array(steps[..<cut])))
            XCTAssertTrue(written.begin(steps))
            XCTAssertEqual(RobotDecider.traceJSON(steps, written: written), String(decoding: try encoder.encode(steps), as: UTF8.self), "cut \(cut)")
            // The trace changed after its first steps were written: they are written again, as they are now.
            var changed = steps
            changed[max(0, cut - 1)].result += " (changed)"
            XCTAssertEqual(RobotDecider.traceJSON(changed, written: written), String(decoding: try encoder.encode(changed), as: UTF8.self), "cut \(cut), changed")
        }
        XCTAssertNil(WrittenSteps([RobotTraceStep(step: "let", line: 1, inputs: nil, result: "a\tb", micros: 0)]))
    }
}
