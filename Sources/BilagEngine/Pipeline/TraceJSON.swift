import BilagCore
import BilagStore
import Foundation

extension TraceStep {
    /// The decision trace as `encoder` (`.sortedKeys`, `.withoutEscapingSlashes`) writes it, byte for byte, without the
    /// encoder's cost (~15 µs an invoice on the serial path); texts with control characters go through `encoder`.
    /// `first`: the first steps already written (`written`), on the examination worker: only the rest is written here.
    static func json(_ steps: [TraceStep], encoder: JSONEncoder, first: Written? = nil) throws -> String {
        func encoded() throws -> String { String(decoding: try encoder.encode(steps), as: UTF8.self) }
        var out = [UInt8]()
        out.reserveCapacity(16 + 128 * steps.count)
        out.append(UInt8(ascii: "["))
        var from = 0
        if let first, first.count <= steps.count, !first.bytes.isEmpty {
            out.append(contentsOf: first.bytes)
            from = first.count
        }
        for i in from..<steps.count {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            guard append(steps[i], to: &out) else { return try encoded() }
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Steps written as `json` writes them (without the brackets), to be written first by `json` later.
    struct Written: Sendable {
        let count: Int
        let bytes: [UInt8]
    }

    /// `steps` written as the first steps of a trace; nil when a text holds a control character (`json` then writes
    /// the whole trace through the encoder).
    static func written(_ steps: [TraceStep]) -> Written? {
        var out = [UInt8]()
        out.reserveCapacity(128 * steps.count)
        for (i, s) in steps.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            guard append(s, to: &out) else { return nil }
        }
        return Written(count: steps.count, bytes: out)
    }

    /// One step as a JSON object; false when a text holds a control character.
    private static func append(_ s: TraceStep, to out: inout [UInt8]) -> Bool {
        out.append(UInt8(ascii: "{"))
        if let d = s.detail {
            JSONString.append(raw: "\"detail\":", to: &out)
            guard JSONString.append(d, to: &out) else { return false }
            out.append(UInt8(ascii: ","))
        }
        if let m = s.micros {
            JSONString.append(raw: "\"micros\":", to: &out)
            JSONString.append(m, to: &out)
            out.append(UInt8(ascii: ","))
        }
        JSONString.append(raw: "\"result\":", to: &out)
        guard JSONString.append(s.result, to: &out) else { return false }
        JSONString.append(raw: ",\"step\":", to: &out)
        guard JSONString.append(s.step, to: &out) else { return false }
        if let n = s.steps {
            JSONString.append(raw: ",\"steps\":", to: &out)
            JSONString.append(n, to: &out)
        }
        if let robot = s.stepsOfDecision {
            JSONString.append(raw: ",\"steps_of_decision\":", to: &out)
            guard JSONString.append(robot, to: &out) else { return false }
        }
        out.append(UInt8(ascii: "}"))
        return true
    }
}
