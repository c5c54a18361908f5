import BilagCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Advisory locks on the state folder, held through `flock` so the kernel drops them when a holder dies (`kill -9`
/// included): nothing is ever left locked by a process that is gone.
///
/// - `run.lock`: exclusive, held for its whole life by the one `bilag run` (daemon or `--once`) of a state folder.
///   A second one is refused, naming the running one's pid. One SQLite file is one worker; several workers on
///   several machines come with PostgreSQL.
/// - `Outbox/.run.lock`: exclusive, held beside `run.lock` by that `bilag run`, so one root has one, whatever its
///   state folder (`acquireRoot`).
/// - `decide.lock`: exclusive, held around each routing, decision and commit — by the daemon per batch and by an
///   operator's command (`queue retry`, `queue approve`) per invoice — so that two processes never decide on the
///   same history (two invoices for one medical order) at once.
public final class StateLock: Sendable {
    /// The lock file's path.
    public let path: String
    private let fd: Int32

    private init(path: String, fd: Int32) { self.path = path; self.fd = fd }

    deinit { close(fd) }

    /// The run lock of `stateDirectory`, or an error naming the process that holds it.
    public static func acquireRun(stateDirectory: String, command: String) throws -> StateLock {
        try FileIO.makeDirectory(stateDirectory)
        return try exclusive(stateDirectory + "/run.lock", holder: "pid \(getpid()), `bilag \(command)` started \(Timestamp.string())") { who in
            BilagError("state-locked", "\(who) is running on the state folder \(stateDirectory); two on one state folder would decide the same invoices twice",
                       remedy: "stop it first (`systemctl stop bilag`, or `kill` the pid named), or give this one another root; operators' commands (`bilag queue …`) may run beside it")
        }
    }

    /// The root's lock, `Outbox/.run.lock`, held beside `run.lock` by the one `bilag run` of a root whatever its state
    /// folder: two with different `--state` folders would split the Inbox and write conflicting Outbox files. Or an
    /// error naming the process that holds it.
    public static func acquireRoot(outbox: String, stateDirectory: String, command: String) throws -> StateLock {
        do { try FileIO.makeDirectory(outbox) } catch {
            throw BilagError("outbox-unwritable", "cannot create the Outbox \(outbox)", remedy: "check that the root is writable by this user")
        }
        let holder = "pid \(getpid()), `bilag \(command)` started \(Timestamp.string()), state folder \(stateDirectory)"
        return try exclusive(outbox + "/.run.lock", holder: holder) { who in
            BilagError("root-locked", "\(who) is working this root's Inbox and Outbox (\((outbox as NSString).deletingLastPathComponent)); two on one root would split the Inbox and write conflicting Outbox files",
                       remedy: "stop it first (`systemctl stop bilag`, or `kill` the pid named); one root has one `bilag run`, with one state folder")
        }
    }

    /// An exclusive lock on the file at `path`, its holder's identity written into it for the message a second
    /// taker gets from `refusal` ("another bilag (pid …)").
    private static func exclusive(_ path: String, holder: String, refusal: (String) -> BilagError) throws -> StateLock {
        let fd = try openLockFile(path)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let held = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw refusal(held.isEmpty ? "another bilag process" : "another bilag (\(held))")
        }
        // Written under the lock, so never torn for a reader who got here: a reader only reads after failing to take it.
        let text = holder + "\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        return StateLock(path: path, fd: fd)
    }

    /// The decision lock's file, opened once and taken per use with `holding`.
    public static func decisionLock(stateDirectory: String) throws -> StateLock {
        let path = stateDirectory + "/decide.lock"
        return StateLock(path: path, fd: try openLockFile(path))
    }

    /// Runs `body` with this lock held exclusively.
    public func holding<T>(_ body: () throws -> T) throws -> T {
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw BilagError("state-unwritable", "cannot lock \(path): \(String(cString: strerror(errno)))", remedy: "check that the state folder is on a local file system")
            }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    private static func openLockFile(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw BilagError("state-unwritable", "cannot open \(path): \(String(cString: strerror(errno)))", remedy: "check that the state folder exists and is writable by this user")
        }
        return fd
    }
}
