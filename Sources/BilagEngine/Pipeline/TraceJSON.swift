import BilagCore
import BilagStore
import Foundation

extension TraceStep: JSONTraceStep {
    /// The decision trace as `encoder` (`.sortedKeys`, `.withoutEscapingSlashes`) writes it, byte for byte, without the
    /// encoder's cost (~15 µs an invoice on the serial path); texts with control characters go through `encoder`.
    /// `first`: the first steps already written on the examination worker (`WrittenSteps`): only the rest is written here.
    static func json(_ steps: [TraceStep], encoder: JSONEncoder, first: WrittenSteps? = nil) throws -> String {
        try text(steps, encoder: encoder, first: first).string
    }

    /// `json` as its bytes, for the store: not made a String on the committing thread.
    static func text(_ steps: [TraceStep], encoder: JSONEncoder, first: WrittenSteps? = nil) throws -> JSONBytes {
        JSONBytes(bytes: try WrittenSteps.array(steps, first: first) ?? Array(encoder.encode(steps)))
    }

    public func appendJSON(to out: inout [UInt8]) -> Bool {
        out.append(UInt8(ascii: "{"))
        if let d = detail {
            JSONString.append(raw: "\"detail\":", to: &out)
            guard JSONString.append(d, to: &out) else { return false }
            out.append(UInt8(ascii: ","))
        }
        if let m = micros {
            JSONString.append(raw: "\"micros\":", to: &out)
            JSONString.append(m, to: &out)
            out.append(UInt8(ascii: ","))
        }
        JSONString.append(raw: "\"result\":", to: &out)
        guard JSONString.append(result, to: &out) else { return false }
        JSONString.append(raw: ",\"step\":", to: &out)
        guard JSONString.append(step, to: &out) else { return false }
        if let n = steps {
            JSONString.append(raw: ",\"steps\":", to: &out)
            JSONString.append(n, to: &out)
        }
        if let robot = stepsOfDecision {
            JSONString.append(raw: ",\"steps_of_decision\":", to: &out)
            guard JSONString.append(robot, to: &out) else { return false }
        }
        out.append(UInt8(ascii: "}"))
        return true
    }

    public var fingerprint: Int {
        var h = WrittenSteps.combine(micros ?? -1, steps ?? -1)
        h = WrittenSteps.combine(WrittenSteps.combine(h, step.utf8.count), result.utf8.count)
        return WrittenSteps.combine(WrittenSteps.combine(h, detail?.utf8.count ?? -1), stepsOfDecision?.utf8.count ?? -1)
    }
}
