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

    /// SHA-256 of a regular file read in 1 MiB pieces, so a huge file never sits in memory; also returns its size.
    /// Nil when it cannot be read or is not a regular file (a link is not followed, a FIFO never blocks).
    public static func sha256(file path: String) -> (String, Int64)? {
        guard case let .opened(fd, _) = FileIO.openRegular(path) else { return nil }
        defer { close(fd) }
        return sha256(fd: fd)
    }

    /// SHA-256 of what remains to be read from an open file, in 1 MiB pieces; also returns how many bytes that was.
    public static func sha256(fd: Int32) -> (String, Int64)? {
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
