/// Compact renderings of values: `description` for traces, `displayText` for messages.
extension Value: CustomStringConvertible {
    /// The value for a decision trace: texts quoted, lists `[a, b]`, records `{key: value}` with keys sorted.
    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n.description
        case .string(let s): return Value.quoted(s)
        case .date(let d): return d.description
        case .list, .record:
            // Written into one string (a trace shows every record a lookup found), not joined from one per element.
            var out = ""
            write(to: &out)
            return out
        }
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
            for (i, key) in fields.keys.sorted().enumerated() {
                if i > 0 { out += ", " }
                out += key
                out += ": "
                fields[key]!.write(to: &out)
            }
            out += "}"
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

    /// `s` in double quotes with `"`, `\` and line breaks escaped, as an expression would write it.
    static func quoted(_ s: String) -> String {
        // Most texts hold nothing to escape: quoted whole, not scalar by scalar (a trace quotes every text it shows).
        if !s.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 == 0x0A || $0 == 0x09 }) { return "\"" + s + "\"" }
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }
}
