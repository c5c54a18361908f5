import Foundation

/// Names the calling thread for the system, so `top -H`, `ps -L`, `perf` and `/proc/PID/task/*/comm` tell bilag's
/// threads apart (`bilag-commit`, `bilag-examine-0`, `bilag-claim`, `bilag-wal`, `http-health`). Foundation's `Thread.name` set before `start()`
/// stays inside Foundation on Linux. The name is written to `/proc/thread-self/comm` (what `pthread_setname_np` does,
/// which Swift's Glibc module does not offer); the system keeps 15 bytes of it, cut here at a character's boundary.
/// Best effort: a thread left unnamed still works.
public enum ThreadName {
    static let path = "/proc/thread-self/comm"
    static let maxBytes = 15

    public static func setForThisThread(_ name: String) {
        var bytes: [UInt8] = []
        for scalar in name.unicodeScalars {
            let utf8 = Array(String(scalar).utf8)
            guard bytes.count + utf8.count <= maxBytes else { break }
            bytes += utf8
        }
        write(bytes)
    }

    /// The calling thread's name as the system has it (nil where it cannot be read).
    public static func ofThisThread() -> String? {
        bytesOfThisThread().map { String(decoding: $0, as: UTF8.self) }
    }

    /// Runs `body` with the calling thread named `name`, then gives it back its name, byte for byte: for work run on a
    /// thread that is not bilag's own (a dispatch queue's, the process's first).
    public static func during<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let before = bytesOfThisThread()
        setForThisThread(name)
        defer { if let before { write(before) } }
        return try body()
    }

    /// The name's bytes without the line break the system ends it with.
    static func bytesOfThisThread() -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        var bytes = Array(buffer[..<n])
        if bytes.last == 0x0A { bytes.removeLast() }
        return bytes
    }

    static func write(_ bytes: [UInt8]) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}
