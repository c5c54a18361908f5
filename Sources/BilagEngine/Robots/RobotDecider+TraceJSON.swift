import BilagRobots
import BilagCore
import BilagStore

extension RobotDecider {
    /// A robot's trace as JSON, byte for byte as `JSONEncoder` (`.sortedKeys`, `.withoutEscapingSlashes`) writes it,
    /// without the encoder's cost on the serial path (one per robot decision); nil when a text holds a control
    /// character, and the caller uses the encoder.
    /// `written`: the first steps already written (on the examination worker), taken when they still begin `steps`.
    static func traceJSON(_ steps: [RobotTraceStep], written: WrittenSteps? = nil) -> String? {
        WrittenSteps.array(steps, first: written).map { String(decoding: $0, as: UTF8.self) }
    }
}
