import Foundation

/// Names the calling thread for the system, so `top -H`, `ps -L`, `perf` and `/proc/PID/task/*/comm` tell bilag's
/// threads apart (`bilag-commit`, `bilag-examine-0`, `bilag-claim`). Foundation's `Thread.name` set before `start()`
/// stays inside Foundation on Linux. The name is written to `/proc/thread-self/comm` (what `pthread_setname_np` does,
/// which Swift's Glibc module does not offer); the system keeps 15 bytes of it. Best effort: a thread left unnamed
/// still works.
public enum ThreadName {
    static let path = "/proc/thread-self/comm"

    public static func setForThisThread(_ name: String) {
        let bytes = Array(name.utf8.prefix(15))
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { return }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    /// The calling thread's name as the system has it (nil where it cannot be read).
    public static func ofThisThread() -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .newlines)
    }

    /// Runs `body` with the calling thread named `name`, then gives it back its name: for work run on a thread that is
    /// not bilag's own (a dispatch queue's, the process's first).
    public static func during<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let before = ofThisThread()
        setForThisThread(name)
        defer { if let before { setForThisThread(before) } }
        return try body()
    }
}
