import Foundation

/// Names the calling thread for the system, so `top -H`, `ps -L`, `perf` and `/proc/PID/task/*/comm` tell bilag's
/// threads apart (`bilag-examine-0`, `bilag-claim`). Foundation's `Thread.name` set before `start()` stays inside
/// Foundation on Linux. The name is written to `/proc/thread-self/comm` (what `pthread_setname_np` does, which Swift's
/// Glibc module does not offer); the system keeps 15 bytes of it. Best effort: a thread left unnamed still works.
public enum ThreadName {
    public static func setForThisThread(_ name: String) {
        let bytes = Array(name.utf8.prefix(15))
        let fd = open("/proc/thread-self/comm", O_WRONLY)
        guard fd >= 0 else { return }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}
