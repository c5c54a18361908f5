/// Text from outside — a file name, a case system's message, an invoice's note — as a terminal may show it.
///
/// Control characters would act instead of showing: an escape sequence clears the screen or recolours the text, a
/// carriage return or newline inside a value starts a line of the sender's choosing ("operator:chief approved"),
/// and a bidirectional override reorders what follows. They are written out instead (`\n`, `\r`, `\x1B`, `\u{202E}`);
/// JSON output escapes them by itself.
public enum TerminalText {
    /// `text` with its control characters written out; `keepingNewlines`: newlines stay (a block of lines made by
    /// bilag whose values were already made safe, or that has none from outside).
    public static func escaped(_ text: String, keepingNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepingNewlines) }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for s in text.unicodeScalars {
            guard needsEscape(s, keepingNewlines) else { out.unicodeScalars.append(s); continue }
            switch s {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                let hex = String(s.value, radix: 16, uppercase: true)
                out += s.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{" + hex + "}"
            }
        }
        return out
    }

    static func needsEscape(_ s: Unicode.Scalar, _ keepingNewlines: Bool) -> Bool {
        switch s.value {
        case 0x0A: return !keepingNewlines
        case 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true   // bidirectional embeddings, overrides and isolates
        default: return false
        }
    }
}
