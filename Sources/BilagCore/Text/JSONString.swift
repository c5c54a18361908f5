/// JSON string literals written byte for byte as bilag's `JSONEncoder` (`.sortedKeys`, `.withoutEscapingSlashes`) writes
/// them, for the small fixed-shape JSON texts made once per invoice on the serial path (audit detail, decision trace),
/// where the encoder's generic machinery costs ~10 µs a call.
///
/// Only the escapes whose spelling is certain are written here: `\"` and `\\`. A text holding a control character
/// (below U+0020), whose escapes differ between Foundation versions, gives nil, and the caller uses `JSONEncoder`.
public enum JSONString {
    /// `"text"` with `"` and `\` escaped, or nil when the text holds a control character.
    @inlinable public static func literal(_ text: String) -> String? {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count + 2)
        guard append(text, to: &out) else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `"text"` with `"` and `\` escaped to `out`; false, with `out` unchanged, when the text holds a control
    /// character.
    @inlinable public static func append(_ text: String, to out: inout [UInt8]) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            // One look at the bytes: a control character refuses the text, a quote or backslash needs escapes.
            var escapes = false
            for b in bytes {
                if b < 0x20 { return false }
                if b == 0x22 || b == 0x5C { escapes = true }
            }
            out.append(0x22)
            if escapes {
                for b in bytes {
                    if b == 0x22 || b == 0x5C { out.append(0x5C) }
                    out.append(b)
                }
            } else {
                // Most texts need no escape: copied whole, not byte by byte.
                out.append(contentsOf: bytes)
            }
            out.append(0x22)
            return true
        }
    }

    /// Appends an ASCII fragment (punctuation, a key) as it is.
    @inlinable public static func append(raw: StaticString, to out: inout [UInt8]) {
        raw.withUTF8Buffer { out.append(contentsOf: $0) }
    }
}
