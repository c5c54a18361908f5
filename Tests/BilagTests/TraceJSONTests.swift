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
}
