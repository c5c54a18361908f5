import BilagRobots
import BilagCore
import BilagStore

extension RobotDecider {
    /// A robot's trace as JSON, byte for byte as `JSONEncoder` (`.sortedKeys`, `.withoutEscapingSlashes`) writes it,
    /// without the encoder's cost on the serial path (one per robot decision); nil when a text holds a control
    /// character, and the caller uses the encoder.
    /// `written`: the first steps already written (on the examination worker), taken when they still begin `steps`.
    static func traceJSON(_ steps: [RobotTraceStep], written: WrittenSteps? = nil) -> String? {
        var out = [UInt8]()
        out.reserveCapacity(steps.count * 120)
        out.append(0x5B)
        var from = 0
        if let written, written.count > 0, written.begin(steps) {
            out.append(contentsOf: written.bytes)
            from = written.count
        }
        for i in from..<steps.count {
            if i > 0 { out.append(0x2C) }
            guard steps[i].appendJSON(to: &out) else { return nil }
        }
        out.append(0x5D)
        return String(decoding: out, as: UTF8.self)
    }
}
