/// Blanks after a document's last byte, for libxml2's sake.
///
/// Reading from memory, libxml2 asks its input for more at nearly every token of a document's last 250 bytes
/// (`xmlGROW`, whenever fewer than `INPUT_CHUNK` bytes are left): some 70 calls, a fifth of a microsecond each, for
/// every invoice. Followed by blanks, the root element's end is read with its input well ahead, and the blanks are
/// skipped as the whitespace after the root element that XML allows (`document ::= prolog element Misc*`).
///
/// Only where the blanks cannot change what is read or said: a document in UTF-8 (no byte-order mark of UTF-16, no
/// other encoding declared) whose last byte but whitespace ends a tag, of at most `maxBytes`. A space adds no line,
/// so an error found at the end is reported at the same line.
enum Padding {
    static let blanks = 256
    /// Larger documents are read as they are (the per-thread buffer stays small; their tail is a small share).
    static let maxBytes = 1 << 20

    static func applies(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = bytes.count
        guard n >= 2, n <= maxBytes else { return false }
        // UTF-16 or UTF-32, with or without a byte-order mark: a NUL among the first bytes, or the marks themselves.
        if bytes[0] == 0xFE || bytes[0] == 0xFF || bytes[0] == 0 || bytes[1] == 0 { return false }
        var last = n - 1
        while last > 0, bytes[last] == 0x20 || bytes[last] == 0x09 || bytes[last] == 0x0A || bytes[last] == 0x0D { last -= 1 }
        guard bytes[last] == UInt8(ascii: ">") else { return false }
        return declaresUTF8OrNothing(bytes)
    }

    /// Whether the XML declaration (if any) names no encoding, or UTF-8.
    static func declaresUTF8OrNothing(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        guard i + 5 <= bytes.count, bytes[i] == UInt8(ascii: "<"), bytes[i + 1] == UInt8(ascii: "?"), bytes[i + 2] | 0x20 == UInt8(ascii: "x"),
              bytes[i + 3] | 0x20 == UInt8(ascii: "m"), bytes[i + 4] | 0x20 == UInt8(ascii: "l") else { return true }
        // The declaration's text, up to `?>` (at most 200 bytes are looked at).
        var end = i + 5
        while end + 1 < min(bytes.count, i + 200), !(bytes[end] == UInt8(ascii: "?") && bytes[end + 1] == UInt8(ascii: ">")) { end += 1 }
        // Lower-cased, from the declaration's own bytes (no more than 200).
        let declaration = (i..<end).map { bytes[$0] >= 0x41 && bytes[$0] <= 0x5A ? bytes[$0] | 0x20 : bytes[$0] }
        guard let at = declaration.withUnsafeBytes({ ByteSearch.find("encoding", in: $0) }) else { return true }
        var j = at + "encoding".utf8.count
        while j < declaration.count, declaration[j] == 0x20 || declaration[j] == 0x3D || declaration[j] == 0x22 || declaration[j] == 0x27 || declaration[j] == 0x09 { j += 1 }
        let name = declaration[j...].prefix { $0 != 0x22 && $0 != 0x27 && $0 != 0x20 && $0 != 0x3F }
        return Array(name) == Array("utf-8".utf8) || Array(name) == Array("utf8".utf8)
    }
}
