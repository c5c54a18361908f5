import Foundation

/// Text inside a JSON string: `"`, `\` and control characters escaped. Shared by the log lines and the bodies the
/// `http` connector sends.
public enum JSONText {
    public static func escape(_ s: String) -> String {
        // Almost every value is plain: hand it back untouched.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if ch.value < 0x20 { out += String(format: "\\u%04x", ch.value) } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }

    /// `s` as a JSON string, quotes included.
    public static func quoted(_ s: String) -> String { "\"" + escape(s) + "\"" }
}
