import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to its end with posix_spawn and reaps it with `wait4`, which gives that child's own resource usage
/// (peak resident memory, CPU time) rather than a sum over all children.
public struct ChildProcess {
    public struct Result: Sendable {
        public var exitCode: Int32?
        public var signal: Int32?
        public var wallSeconds: Double
        /// Peak resident set size of the child, KiB (Linux `ru_maxrss`).
        public var maxRSSKiB: Int
        /// The largest VmHWM read from /proc/PID/status while the child ran (sampled every 10 ms).
        public var sampledPeakKiB: Int
        public var userSeconds: Double
        public var systemSeconds: Double
        public var voluntaryContextSwitches: Int
        public var involuntaryContextSwitches: Int
    }

    /// Runs `path` with `arguments` (not including argv[0]), stdout and stderr into files, environment as given.
    public static func run(_ path: String, _ arguments: [String], stdoutPath: String, stderrPath: String, environment: [String: String]) throws -> Result {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv { free(p) }; for p in envp { free(p) } }

        var pid = pid_t()
        let start = monotonicSeconds()
        let rc = argv.withUnsafeBufferPointer { a in
            envp.withUnsafeBufferPointer { e in
                posix_spawn(&pid, path, &actions, nil, a.baseAddress!, e.baseAddress!)
            }
        }
        guard rc == 0 else { throw BenchError("cannot start \(path): \(String(cString: strerror(rc)))") }

        var status: Int32 = 0
        var usage = rusage()
        var sampled = 0
        while true {
            let r = wait4(pid, &status, WNOHANG, &usage)
            if r == pid { break }
            if r < 0 {
                guard errno == EINTR else { throw BenchError("wait4 failed: \(String(cString: strerror(errno)))") }
                continue
            }
            sampled = max(sampled, Self.highWaterMarkKiB(pid) ?? 0)
            usleep(10_000)
        }
        let wall = monotonicSeconds() - start
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift does not import.
        let exited = (status & 0x7F) == 0
        return Result(
            exitCode: exited ? (status >> 8) & 0xFF : nil,
            signal: exited ? nil : status & 0x7F,
            wallSeconds: wall,
            maxRSSKiB: Int(usage.ru_maxrss),
            sampledPeakKiB: sampled,
            userSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            systemSeconds: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
            voluntaryContextSwitches: Int(usage.ru_nvcsw),
            involuntaryContextSwitches: Int(usage.ru_nivcsw))
    }

    /// VmHWM of a live process, KiB.
    static func highWaterMarkKiB(_ pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
    }

    /// Seconds on the monotonic clock.
    public static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// The absolute path of the running executable (`/proc/self/exe`, else argv[0] resolved against the working folder and PATH).
    public static func currentExecutable() -> String? {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        if n > 0 { return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        guard let arg0 = CommandLine.arguments.first else { return nil }
        if arg0.contains("/") { return URL(fileURLWithPath: arg0).standardizedFileURL.path }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let p = "\(dir)/\(arg0)"
            if access(p, X_OK) == 0 { return p }
        }
        return nil
    }
}

/// A failure of the benchmark itself.
public struct BenchError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
