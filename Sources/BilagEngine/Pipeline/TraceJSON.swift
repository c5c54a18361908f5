import BilagStore
import Foundation

extension TraceStep {
    /// The decision trace as `encoder` (`.sortedKeys`, `.withoutEscapingSlashes`) writes it, byte for byte, without the
    /// encoder's cost (~15 µs an invoice on the serial path); texts with control characters go through `encoder`.
    static func json(_ steps: [TraceStep], encoder: JSONEncoder) throws -> String {
        var out = "["
        for (i, s) in steps.enumerated() {
            guard let step = JSONString.literal(s.step), let result = JSONString.literal(s.result) else {
                return String(decoding: try encoder.encode(steps), as: UTF8.self)
            }
            var detail: String?
            if let d = s.detail {
                guard let literal = JSONString.literal(d) else { return String(decoding: try encoder.encode(steps), as: UTF8.self) }
                detail = literal
            }
            if i > 0 { out += "," }
            out += "{"
            if let detail { out += "\"detail\":" + detail + "," }
            if let m = s.micros { out += "\"micros\":" + String(m) + "," }
            out += "\"result\":" + result + ",\"step\":" + step + "}"
        }
        return out + "]"
    }
}
