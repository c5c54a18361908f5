import BilagCore

/// A robot's trace steps as JSON objects, byte for byte as `JSONEncoder` (`.sortedKeys`, `.withoutEscapingSlashes`)
/// writes them: the decision's trace is written with them (`RobotDecider.traceJSON`), and the steps a run's beginning
/// ran on the examination worker are written there (`WrittenSteps`), not on the committing thread.
extension RobotTraceStep {
    /// Appends the step as a JSON object; false when a text holds a control character (the encoder writes it then).
    public func appendJSON(to out: inout [UInt8]) -> Bool {
        out.append(0x7B)
        if let inputs {
            JSONString.append(raw: "\"inputs\":", to: &out)
            guard JSONString.append(inputs, to: &out) else { return false }
            out.append(0x2C)
        }
        JSONString.append(raw: "\"line\":", to: &out)
        JSONString.append(line, to: &out)
        JSONString.append(raw: ",\"micros\":", to: &out)
        JSONString.append(micros, to: &out)
        JSONString.append(raw: ",\"result\":", to: &out)
        guard JSONString.append(result, to: &out) else { return false }
        JSONString.append(raw: ",\"step\":", to: &out)
        guard JSONString.append(step, to: &out) else { return false }
        out.append(0x7D)
        return true
    }
}

/// The first steps of a trace written as JSON objects, comma-separated, without the brackets; taken for a trace only
/// when its first `count` steps still have the `fingerprint` they were written with.
public struct WrittenSteps: Sendable {
    public let count: Int
    public let bytes: [UInt8]
    let fingerprint: Int

    /// `steps` written; nil when a text holds a control character.
    public init?(_ steps: [RobotTraceStep]) {
        var out = [UInt8]()
        out.reserveCapacity(steps.count * 120)
        for (i, s) in steps.enumerated() {
            if i > 0 { out.append(0x2C) }
            guard s.appendJSON(to: &out) else { return nil }
        }
        count = steps.count
        bytes = out
        fingerprint = Self.fingerprint(steps[...])
    }

    /// Whether these are the first steps of `trace` as they were written (a trace changed since is written whole).
    public func begin(_ trace: [RobotTraceStep]) -> Bool {
        count <= trace.count && Self.fingerprint(trace[..<count]) == fingerprint
    }

    /// The steps' lines, timings and the lengths of their texts, combined.
    static func fingerprint(_ steps: ArraySlice<RobotTraceStep>) -> Int {
        var h = steps.count
        for s in steps {
            h = h &* 1_000_003 &+ s.line
            h = h &* 1_000_003 &+ s.micros
            h = h &* 1_000_003 &+ s.step.utf8.count
            h = h &* 1_000_003 &+ s.result.utf8.count
            h = h &* 1_000_003 &+ (s.inputs?.utf8.count ?? -1)
        }
        return h
    }
}
