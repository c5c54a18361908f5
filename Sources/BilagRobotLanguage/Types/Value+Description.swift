import BilagCore

/// Compact renderings of values: `description` for traces, `displayText` for messages.
extension Value: CustomStringConvertible {
    /// The value for a decision trace: texts quoted, lists `[a, b]`, records `{key: value}` with keys sorted.
    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n.description
        case .date(let d): return d.description
        case .string, .list, .record:
            // Written as bytes into one buffer (a trace shows every record a lookup found), made a string once.
            var out: [UInt8] = []
            out.reserveCapacity(Self.descriptionCapacity)
            write(to: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Room made at once for a list's or record's description: a record a case system answers (five to ten fields).
    static let descriptionCapacity = 256

    /// `prefix` followed by `description`, written into one buffer (a step's summary: `found {…}`).
    public func description(after prefix: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(prefix.utf8.count + Self.descriptionCapacity)
        out.append(contentsOf: prefix.utf8)
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `description`'s UTF-8 to `out`: bytes, not a `String` grown append by append (~340 instructions an
    /// append, a dozen a record's field).
    public func write(to out: inout [UInt8]) {
        switch self {
        case .list(let items):
            out.append(0x5B)   // [
            for (i, v) in items.enumerated() {
                if i > 0 { out.append(0x2C); out.append(0x20) }   // ", "
                v.write(to: &out)
            }
            out.append(0x5D)   // ]
        case .record(let fields):
            out.append(0x7B)   // {
            Self.write(fields: fields, to: &out)
            out.append(0x7D)   // }
        case .string(let s):
            // Quoted straight into `out` (a trace shows every text a lookup found), not made a string of its own first.
            Value.appendQuoted(s, to: &out)
        default:
            out.append(contentsOf: description.utf8)
        }
    }

    /// `a: 1, b: "x"`: fields by name (a record's inside, a lookup's or table's arguments), sorted with their values,
    /// not the keys sorted and each value looked up again.
    public static func write(fields: [String: Value], to out: inout [UInt8]) {
        for (i, field) in fields.sorted(by: { $0.key < $1.key }).enumerated() {
            if i > 0 { out.append(0x2C); out.append(0x20) }   // ", "
            out.append(contentsOf: field.key.utf8)
            out.append(0x3A); out.append(0x20)   // ": "
            field.value.write(to: &out)
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
    static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        // The text's bytes read where they lie, in runs between escapes.
        s.withUTF8InPlace { appendEscaped($0, to: &out) }
        out.append(0x22)
    }

    static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        EscapedBytes.append(bytes, to: &out) { b in
            switch b {
            case 0x22, 0x5C: return b   // \" \\
            case 0x0A: return 0x6E      // \n
            case 0x09: return 0x74      // \t
            default: return nil
            }
        }
    }
}
