/// File names as the kernel has them: bytes, not necessarily UTF-8 (Latin-1 names from Windows clients).
///
/// The bytes are what renames and look-ups use; `display` is what the store and the logs show.
public enum PathBytes {
    /// The bytes as text: valid UTF-8 as it is, every byte that is not part of valid UTF-8 as `\xE6`.
    public static func display<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        var out = ""
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var pending = Array(bytes)[...]
        while true {
            switch parser.parseScalar(from: &iterator) {
            case let .valid(encoded):
                out.unicodeScalars.append(Unicode.UTF8.decode(encoded))
                pending = pending.dropFirst(encoded.count)
            case let .error(length):
                for b in pending.prefix(length) { out += "\\x" + String(b, radix: 16, uppercase: true).leftPadded(2) }
                pending = pending.dropFirst(length)
            case .emptyInput:
                return out
            }
        }
    }

    /// `a/b` as NUL-terminated bytes for the system calls.
    static func join(_ parts: [UInt8]...) -> [UInt8] {
        var out: [UInt8] = []
        for p in parts where !p.isEmpty {
            if !out.isEmpty { out.append(UInt8(ascii: "/")) }
            out += p
        }
        return out
    }

    /// The bytes with a terminating NUL, as `open`, `rename` and `lstat` take them.
    static func cString(_ bytes: [UInt8]) -> [CChar] { bytes.map { CChar(bitPattern: $0) } + [0] }
}
