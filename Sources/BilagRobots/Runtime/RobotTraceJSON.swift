import BilagCore

/// A robot's trace step as a JSON object: the decision's trace is written with it (`RobotDecider.traceJSON`), and the
/// steps a run's beginning ran on the examination worker are written there (`WrittenSteps`).
extension RobotTraceStep: JSONTraceStep {
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

    public var fingerprint: Int {
        let h = WrittenSteps.combine(WrittenSteps.combine(line, micros), step.utf8.count)
        return WrittenSteps.combine(WrittenSteps.combine(h, result.utf8.count), inputs?.utf8.count ?? -1)
    }
}
