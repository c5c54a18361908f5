/// Text written as UTF-8 bytes with a few ASCII bytes escaped by a backslash (JSON's `\"` and `\\`, a robot value's
/// `\n` and `\t` too): the runs between escapes copied whole. No byte of a non-ASCII character's UTF-8 is below 0x80,
/// so escaping byte by byte is escaping character by character.
public enum EscapedBytes {
    /// Appends `bytes` to `out`, each byte `escape` gives a letter for written as a backslash and that letter.
    @inlinable public static func append(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], escape: (UInt8) -> UInt8?) {
        var run = 0
        for i in 0..<bytes.count {
            guard let letter = escape(bytes[i]) else { continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
            out.append(0x5C)
            out.append(letter)
            run = i + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
    }
}
