import Foundation

/// An invoice's decision trace as stored (`invoice.trace_json`). The steps of the robot that kept the invoice are
/// stored once, in its live decision (`decision.trace_json`, written in the same transaction); the invoice's trace
/// holds one step in their place that names the robot and counts them, and `Store.documents` puts them back, so every
/// reader sees the whole trace as it always was. (Written twice, they were a quarter of the committing thread's JSON and
/// made the invoice row grow by a page's third when the invoice was decided.)
public enum StoredTrace {
    /// The name of a robot step in an invoice's trace: `check (line 34)`.
    public static func stepName(_ step: String, line: Int) -> String { "\(step) (line \(line))" }

    /// A step of an invoice's trace as stored: a step, or the place of the kept robot's steps (`stepsOfDecision`).
    struct Step: Codable {
        var step: String
        var result: String
        var detail: String?
        var micros: Int?
        var steps: Int?
        var stepsOfDecision: String?
        enum CodingKeys: String, CodingKey { case step, result, detail, micros, steps, stepsOfDecision = "steps_of_decision" }
    }

    /// A step of a robot's decision as stored (`RobotTraceStep`).
    struct RobotStep: Decodable {
        var step: String
        var line: Int
        var inputs: String?
        var result: String
        var micros: Int
    }

    /// `trace` with each step standing for a robot's steps replaced by them, read from `decisionTrace(robot)` (the
    /// invoice's latest live decision of that robot); as it is when it names none. A decision whose steps are not the
    /// number counted leaves the step standing, never other steps in their place.
    static func expanded(_ trace: String, encoder: JSONEncoder, decisionTrace: (String) throws -> String?) throws -> String {
        guard trace.utf8.count > 20, trace.contains("\"steps_of_decision\"") else { return trace }
        guard let stored = try? JSONDecoder().decode([Step].self, from: Data(trace.utf8)) else { return trace }
        var out: [Step] = []
        out.reserveCapacity(stored.count + 32)
        for s in stored {
            guard let robot = s.stepsOfDecision, let count = s.steps, let text = try decisionTrace(robot),
                  let steps = try? JSONDecoder().decode([RobotStep].self, from: Data(text.utf8)), steps.count == count else {
                out.append(s)
                continue
            }
            out += steps.map { Step(step: stepName($0.step, line: $0.line), result: $0.result, detail: $0.inputs, micros: $0.micros) }
        }
        return String(decoding: try encoder.encode(out), as: UTF8.self)
    }
}
