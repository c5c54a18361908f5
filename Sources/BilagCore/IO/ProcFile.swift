import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The text of a file of the kernel's `/proc`, read to its end.
///
/// Such files say their size is 0 and are made as they are read: Foundation's `String(contentsOfFile:)` and
/// `FileManager.contents(atPath:)` stop after the first 4 KiB of one, which for `/proc/PID/maps` is the first few dozen
/// mappings only. This reads until `read` says there is no more.
public enum ProcFile {
    public static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
