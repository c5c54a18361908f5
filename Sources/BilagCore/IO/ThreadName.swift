import Foundation

/// Names the calling thread for the system, so `top -H`, `ps -L`, `perf` and `/proc/PID/task/*/comm` tell bilag's
/// threads apart (`bilag-commit`, `bilag-examine-0`, `bilag-claim`, `bilag-wal`, `http-health`). Foundation's
/// `Thread.name` reaches the system only when the thread sets its own (a name given before `start()` stays inside
/// Foundation on Linux), and only when it fits the system's 15 bytes: a longer one is cut here, at a character's
/// boundary.
public enum ThreadName {
    static let maxBytes = 15

    public static func setForThisThread(_ name: String) {
        if name.utf8.count <= maxBytes { Thread.current.name = name; return }
        var cut = "", bytes = 0
        for scalar in name.unicodeScalars {
            bytes += UTF8.width(scalar)
            guard bytes <= maxBytes else { break }
            cut.unicodeScalars.append(scalar)
        }
        Thread.current.name = cut
    }

    /// The calling thread's name as the system has it.
    public static func ofThisThread() -> String? { Thread.current.name }

    /// Runs `body` with the calling thread named `name`, then gives it back its name: for work run on a thread that is
    /// not bilag's own (a dispatch queue's, the process's first).
    public static func during<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let before = ofThisThread()
        setForThisThread(name)
        defer { if let before { Thread.current.name = before } }
        return try body()
    }

    /// Starts a thread that names itself `name` for the system, then runs `body`.
    public static func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        Thread {
            setForThisThread(name)
            body()
        }.start()
    }
}
