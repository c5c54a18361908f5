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
        // The text's own bytes, read where they are: no retain and release of its storage at each of the ~85 texts an
        // invoice's trace writes.
        text.withUTF8InPlace { append(bytes: $0, to: &out) }
    }

    /// `append(_:to:)` on a text's UTF-8 bytes.
    @inlinable static func append(bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        // One look at the bytes, eight at a time: a control character refuses the text, a quote or backslash needs
        // escapes.
        switch scan(bytes) {
        case .control: return false
        case .plain:
            // Most texts need no escape: copied whole, not byte by byte.
            out.append(0x22)
            out.append(contentsOf: bytes)
            out.append(0x22)
        case .escapes:
            // (No `reserveCapacity` here: it makes room for exactly what it is asked, and the next append then makes
            // room again; the appends alone grow `out` geometrically.)
            out.append(0x22)
            EscapedBytes.append(bytes, to: &out) { $0 == 0x22 || $0 == 0x5C ? $0 : nil }
            out.append(0x22)
        }
        return true
    }

    /// What a text's bytes need in a JSON string.
    public enum Scan { case plain, escapes, control }

    /// Whether `bytes` hold a control character (below U+0020), else a quote or backslash, else neither; read a word
    /// (eight bytes) at a time.
    @inlinable public static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Scan {
        guard let base = bytes.baseAddress else { return .plain }
        let n = bytes.count
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        // Whether some byte of `w` is below `k` (k <= 0x80): exact for the word as a whole.
        @inline(__always) func below(_ w: UInt64, _ k: UInt64) -> Bool { (w &- ones &* k) & ~w & highs != 0 }
        var escapes = false
        var i = 0
        while i + 8 <= n {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if below(w, 0x20) { return .control }
            if below(w ^ (ones &* 0x22), 1) || below(w ^ (ones &* 0x5C), 1) { escapes = true }
            i += 8
        }
        while i < n {
            let b = base[i]
            if b < 0x20 { return .control }
            if b == 0x22 || b == 0x5C { escapes = true }
            i += 1
        }
        return escapes ? .escapes : .plain
    }

    /// Appends `n` in decimal, as `String(n)` writes it, without making the string.
    @inlinable public static func append(_ n: Int, to out: inout [UInt8]) {
        // One to three digits (a trace's line numbers and microseconds, a journal's sequence numbers early on): written
        // straight, without the buffer below.
        if n >= 0, n < 1000 {
            if n >= 100 { out.append(UInt8(truncatingIfNeeded: n / 100) + 0x30) }
            if n >= 10 { out.append(UInt8(truncatingIfNeeded: n / 10 % 10) + 0x30) }
            out.append(UInt8(truncatingIfNeeded: n % 10) + 0x30)
            return
        }
        if n < 0 { out.append(0x2D) }
        var m = n.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            repeat {
                buf[19 - count] = UInt8(truncatingIfNeeded: m % 10) + 0x30
                m /= 10
                count += 1
            } while m > 0
            out.append(contentsOf: buf[(20 - count)...])
        }
    }

    /// Appends an ASCII fragment (punctuation, a key) as it is.
    @inlinable public static func append(raw: StaticString, to out: inout [UInt8]) {
        raw.withUTF8Buffer { out.append(contentsOf: $0) }
    }
}
