/// Compact renderings of values: `description` for traces, `displayText` for messages.
extension Value: CustomStringConvertible {
    /// The value for a decision trace: texts quoted, lists `[a, b]`, records `{key: value}` with keys sorted.
    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n.description
        case .string(let s):
            var out = ""
            Value.appendQuoted(s, to: &out)
            return out
        case .date(let d): return d.description
        case .list, .record:
            // Written into one string (a trace shows every record a lookup found), not joined from one per element,
            // with room for a record's fields made once, not grown append by append.
            var out = ""
            out.reserveCapacity(Self.descriptionCapacity)
            write(to: &out)
            return out
        }
    }

    /// Room made at once for a list's or record's description: a record a case system answers (five to ten fields).
    static let descriptionCapacity = 256

    /// `prefix` followed by `description`, written into one string (a step's summary: `found {…}`).
    public func description(after prefix: String) -> String {
        var out = prefix
        out.reserveCapacity(prefix.utf8.count + Self.descriptionCapacity)
        write(to: &out)
        return out
    }

    /// Appends `description` to `out`.
    func write(to out: inout String) {
        switch self {
        case .list(let items):
            out += "["
            for (i, v) in items.enumerated() {
                if i > 0 { out += ", " }
                v.write(to: &out)
            }
            out += "]"
        case .record(let fields):
            out += "{"
            // The fields sorted with their values, not the keys sorted and each value looked up again.
            for (i, field) in fields.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { out += ", " }
                out += field.key
                out += ": "
                field.value.write(to: &out)
            }
            out += "}"
        case .string(let s):
            // Quoted straight into `out` (a trace shows every text a lookup found), not made a string of its own first.
            Value.appendQuoted(s, to: &out)
        default:
            out += description
        }
    }

    /// The value as a message shows it: texts as they are, null as nothing, lists as `a, b, c`.
    public var displayText: String {
        switch self {
        case .null: return ""
        case .string(let s): return s
        case .list(let items): return items.map(\.displayText).joined(separator: ", ")
        default: return description
        }
    }

    /// Appends `s` in double quotes with `"`, `\`, line breaks and tabs escaped, as an expression would write it.
    static func appendQuoted(_ s: String, to out: inout String) {
        out += "\""
        // Most texts hold nothing to escape: appended whole, not scalar by scalar (a trace quotes every text it shows).
        if !s.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 == 0x0A || $0 == 0x09 }) {
            out += s
        } else {
            for c in s.unicodeScalars {
                switch c {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                default: out.unicodeScalars.append(c)
                }
            }
        }
        out += "\""
    }
}
