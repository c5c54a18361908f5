import Foundation

/// The records of `claims.log`, the claims intended before their renames.
///
/// Each record is one line `C1 CRC32 ID⇥CHANNEL⇥SOURCE⇥RECEIVED⇥STORED`, the checksum over what follows it: a line torn
/// by a crash or a full disk (no newline, or a checksum that does not match) is recognised and ignored, never read
/// as a claim. Fields are escaped losslessly (`\\`, `\t`, `\n`, `\r`), so any file name comes back as it was.
/// Lines of the earlier format (the five fields alone) are still read when complete.
enum IntentLog {
    static let marker = "C1 "

    /// One record as a complete line.
    /// (Made as bytes, each field appended once: every claim writes one, on the claiming thread.)
    static func line(_ f: ClaimedFile) -> String {
        let source = escape(f.sourcePath)
        var out: [UInt8] = []
        out.reserveCapacity(16 + f.id.utf8.count + f.channel.utf8.count + source.utf8.count + f.receivedAt.utf8.count + f.storedPath.utf8.count)
        out.append(contentsOf: marker.utf8)
        out.append(contentsOf: "00000000 ".utf8)   // the checksum's place, written once the body is
        let start = out.count
        for (i, field) in [f.id, f.channel, source, f.receivedAt, f.storedPath].enumerated() {
            if i > 0 { out.append(0x09) }
            out.append(contentsOf: field.utf8)
        }
        // The checksum of the body in lowercase hex, eight digits (as `String(sum, radix: 16)` zero-padded).
        let sum = out.withUnsafeBufferPointer { CRC32.checksum(UnsafeBufferPointer(rebasing: $0[start...])) }
        for digit in 0..<8 {
            let nibble = UInt8(truncatingIfNeeded: sum >> (28 - 4 * UInt32(digit))) & 0x0F
            out[marker.utf8.count + digit] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble
        }
        out.append(0x0A)
        return String(decoding: out, as: UTF8.self)
    }

    /// The claims named by the log's complete, intact records, in order.
    static func records(_ data: Data) -> [ClaimedFile] {
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        // The last piece has no newline after it: torn, or empty after the final newline. Never a record.
        lines.removeLast()
        return lines.compactMap { record(Array($0)) }
    }

    static func record(_ bytes: [UInt8]) -> ClaimedFile? {
        var body = bytes[...]
        if bytes.starts(with: Array(marker.utf8)) {
            let rest = bytes.dropFirst(marker.utf8.count)
            guard rest.count > 9, rest[rest.startIndex + 8] == UInt8(ascii: " "),
                  let sum = UInt32(String(decoding: rest.prefix(8), as: UTF8.self), radix: 16) else { return nil }
            body = rest.dropFirst(9)
            guard CRC32.checksum(Array(body)) == sum else { return nil }
        }
        guard let text = String(validating: body, as: UTF8.self) else { return nil }
        let parts = text.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, !parts[0].isEmpty, parts[4].hasPrefix("originals/") else { return nil }
        return ClaimedFile(id: parts[0], channel: parts[1], sourcePath: unescape(parts[2]), storedPath: parts[4], receivedAt: parts[3])
    }

    static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return s }
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// The inverse of `escape`, in one pass (replacing one escape after another is not: `\\n` came back as `\` and a newline).
    static func unescape(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        var out = ""
        var escaped = false
        for c in s.unicodeScalars {
            if escaped {
                switch c {
                case "t": out += "\t"
                case "n": out += "\n"
                case "r": out += "\r"
                case "\\": out += "\\"
                default: out += "\\"; out.unicodeScalars.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.unicodeScalars.append(c)
            }
        }
        if escaped { out += "\\" }
        return out
    }
}

/// CRC-32 (IEEE 802.3), the checksum of each intent record.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBufferPointer { checksum($0) } }

    static func checksum(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { t in
            for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        }
        return c ^ 0xFFFF_FFFF
    }
}
