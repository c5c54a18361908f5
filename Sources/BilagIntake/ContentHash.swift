import BilagCore
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The SHA-256 content hash that identifies the same bytes arriving twice.
public enum ContentHash {
    /// SHA-256 of bytes, as lowercase hex.
    public static func sha256(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    /// SHA-256 of a file read in 1 MiB pieces, so a huge file never sits in memory; also returns its size.
    public static func sha256(file path: String) -> (String, Int64)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var hasher = SHA256()
        var total: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            hasher.update(data: buffer[0..<n])
            total += Int64(n)
        }
        return (hex(hasher.finalize()), total)
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let table = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in digest { out.append(table[Int(b >> 4)]); out.append(table[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

}
