import BilagRobots
import BilagCore
import BilagStore

extension RobotDecider {
    /// A robot's trace as JSON, byte for byte as `JSONEncoder` (`.sortedKeys`, `.withoutEscapingSlashes`) writes it,
    /// without the encoder's cost on the serial path (one per robot decision); nil when a text holds a control
    /// character, and the caller uses the encoder.
    /// `written`: the first steps already written (on the examination worker), taken when they still begin `steps`.
    static func traceJSON(_ steps: [RobotTraceStep], written: WrittenSteps? = nil) -> String? {
        traceBytes(steps, written: written)?.string
    }

    /// `traceJSON` as its bytes, for the store: not made a String on the committing thread.
    static func traceBytes(_ steps: [RobotTraceStep], written: WrittenSteps? = nil) -> JSONBytes? {
        WrittenSteps.array(steps, first: written).map(JSONBytes.init(bytes:))
    }
}
