import BilagRobots
import BilagCore
import BilagStore

extension RobotDecider {
    /// A robot's trace as JSON, byte for byte as `JSONEncoder` (`.sortedKeys`, `.withoutEscapingSlashes`) writes it,
    /// without the encoder's cost on the serial path (one per robot decision); nil when a text holds a control
    /// character, and the caller uses the encoder.
    static func traceJSON(_ steps: [RobotTraceStep]) -> String? {
        var out = [UInt8]()
        out.reserveCapacity(steps.count * 120)
        out.append(0x5B)
        for (i, s) in steps.enumerated() {
            if i > 0 { out.append(0x2C) }
            out.append(0x7B)
            if let inputs = s.inputs {
                JSONString.append(raw: "\"inputs\":", to: &out)
                guard JSONString.append(inputs, to: &out) else { return nil }
                out.append(0x2C)
            }
            JSONString.append(raw: "\"line\":", to: &out)
            JSONString.append(s.line, to: &out)
            JSONString.append(raw: ",\"micros\":", to: &out)
            JSONString.append(s.micros, to: &out)
            JSONString.append(raw: ",\"result\":", to: &out)
            guard JSONString.append(s.result, to: &out) else { return nil }
            JSONString.append(raw: ",\"step\":", to: &out)
            guard JSONString.append(s.step, to: &out) else { return nil }
            out.append(0x7D)
        }
        out.append(0x5D)
        return String(decoding: out, as: UTF8.self)
    }
}
