import BilagCore
import BilagStore
import Foundation

extension TraceStep {
    /// The decision trace as `encoder` (`.sortedKeys`, `.withoutEscapingSlashes`) writes it, byte for byte, without the
    /// encoder's cost (~15 µs an invoice on the serial path); texts with control characters go through `encoder`.
    static func json(_ steps: [TraceStep], encoder: JSONEncoder) throws -> String {
        func encoded() throws -> String { String(decoding: try encoder.encode(steps), as: UTF8.self) }
        var out = [UInt8]()
        out.reserveCapacity(16 + 128 * steps.count)
        out.append(UInt8(ascii: "["))
        for (i, s) in steps.enumerated() {
            JSONString.append(raw: i == 0 ? "{" : ",{", to: &out)
            if let d = s.detail {
                JSONString.append(raw: "\"detail\":", to: &out)
                guard JSONString.append(d, to: &out) else { return try encoded() }
                out.append(UInt8(ascii: ","))
            }
            if let m = s.micros {
                JSONString.append(raw: "\"micros\":", to: &out)
                JSONString.append(m, to: &out)
                out.append(UInt8(ascii: ","))
            }
            JSONString.append(raw: "\"result\":", to: &out)
            guard JSONString.append(s.result, to: &out) else { return try encoded() }
            JSONString.append(raw: ",\"step\":", to: &out)
            guard JSONString.append(s.step, to: &out) else { return try encoded() }
            if let n = s.steps {
                JSONString.append(raw: ",\"steps\":", to: &out)
                JSONString.append(n, to: &out)
            }
            if let robot = s.stepsOfDecision {
                JSONString.append(raw: ",\"steps_of_decision\":", to: &out)
                guard JSONString.append(robot, to: &out) else { return try encoded() }
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }
}
