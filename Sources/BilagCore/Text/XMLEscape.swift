/// Text for XML that bilag writes (payment files, generated invoices): the markup characters escaped, and the
/// control characters XML 1.0 does not allow (all below U+0020 but tab, line feed and carriage return) written as
/// spaces. Safe in element text and in double-quoted attribute values.
public enum XMLEscape {
    public static func text(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(c)
            default: if c.value < 0x20 { out += " " } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }
}
