import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended, and what it printed.
public struct ProcessOutcome: Sendable, CustomStringConvertible {
    /// The exit code, or nil when a signal ended the process.
    public var exitCode: Int32?
    /// The signal that ended the process, if one did.
    public var signal: Int32?
    public var stdout: String
    public var stderr: String
    /// Peak resident memory of the process (from `wait4`), in KiB.
    public var maxResidentKB: Int
    /// What was run, for messages.
    public var command: String

    /// Exited with code 0.
    public var succeeded: Bool { exitCode == 0 }

    /// The count `bilag run --once` reported (`processed N file(s)`), nil when it printed none.
    public var processed: Int? {
        guard let r = stdout.range(of: #"processed (\d+) file"#, options: .regularExpression) else { return nil }
        return Int(stdout[r].split(separator: " ")[1])
    }

    /// stdout parsed as JSON (`[String: Any]`, `[Any]`, …).
    public func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8))
    }

    /// stdout parsed as a JSON object.
    public func jsonObject() throws -> [String: Any] {
        guard let o = try json() as? [String: Any] else { throw TestKitError("\(command): stdout is no JSON object: \(stdout.prefix(300))") }
        return o
    }

    /// stdout parsed as a JSON array of objects.
    public func jsonArray() throws -> [[String: Any]] {
        guard let a = try json() as? [[String: Any]] else { throw TestKitError("\(command): stdout is no JSON array of objects: \(stdout.prefix(300))") }
        return a
    }

    public var description: String {
        let how = exitCode.map { "exit \($0)" } ?? "signal \(signal ?? -1)"
        return "`\(command)` → \(how)\n--- stdout\n\(stdout.suffix(2000))\n--- stderr\n\(stderr.suffix(2000))"
    }
}

/// A failure of the test kit itself (a binary not found, a timeout).
public struct TestKitError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The built `bilag` executable: found next to the test bundle (`.build/<triple>/debug/bilag`), or at `$BILAG_BINARY`.
public struct BilagBinary: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// Finds the binary: `$BILAG_BINARY`, else beside the running test bundle, else `PACKAGE/.build/debug/bilag`.
    public static func locate(file: StaticString = #filePath) throws -> BilagBinary {
        let env = ProcessInfo.processInfo.environment
        if let p = env["BILAG_BINARY"], !p.isEmpty {
            guard access(p, X_OK) == 0 else { throw TestKitError("$BILAG_BINARY=\(p) is not an executable") }
            return BilagBinary(path: p)
        }
        var folders: [String] = []
        // The xctest bundle (on Linux an executable) sits in the same build folder as the products.
        for p in [Bundle.main.executablePath, Bundle.main.bundlePath, CommandLine.arguments.first].compactMap({ $0 }) {
            var dir = URL(fileURLWithPath: p).deletingLastPathComponent()
            folders.append(dir.path)
            // macOS: .build/debug/bilagPackageTests.xctest/Contents/MacOS/bilagPackageTests
            for _ in 0..<3 { dir = dir.deletingLastPathComponent(); folders.append(dir.path) }
        }
        folders.append(Corpus.packageRoot + "/.build/debug")
        for folder in folders {
            let candidate = folder + "/bilag"
            var st = stat()
            if stat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                return BilagBinary(path: URL(fileURLWithPath: candidate).standardizedFileURL.path)
            }
        }
        throw TestKitError("the bilag executable was not found (looked in \(folders.joined(separator: ", "))); run `swift build` first or set $BILAG_BINARY")
    }

    /// Starts `bilag ARGS` as a child whose stdout/stderr go to files in `logDirectory`.
    public func start(_ arguments: [String], environment: [String: String] = [:], logDirectory: String, label: String? = nil) throws -> BilagProcess {
        try BilagProcess(executable: path, arguments: arguments, environment: environment, logDirectory: logDirectory, label: label ?? arguments.first ?? "bilag")
    }

    /// Runs `bilag ARGS` to its end (killing it after `timeout` seconds, which throws).
    public func run(_ arguments: [String], environment: [String: String] = [:], logDirectory: String, timeout: TimeInterval = 120) throws -> ProcessOutcome {
        let p = try start(arguments, environment: environment, logDirectory: logDirectory)
        guard let outcome = p.wait(timeout: timeout) else {
            p.kill()
            _ = p.wait(timeout: 10)
            throw TestKitError("`bilag \(arguments.joined(separator: " "))` did not finish within \(timeout) s; stderr: \(p.stderrText().suffix(2000))")
        }
        return outcome
    }
}

/// A running child process (`bilag run` as a daemon, or any command), with its output captured in files.
///
/// Spawned with `posix_spawn` and reaped with `wait4`, so its exact exit status, the signal that ended it and its
/// peak memory are known. A process still running when this object goes away is killed with SIGKILL.
public final class BilagProcess: Sendable {
    public let pid: pid_t
    public let command: String
    public let stdoutPath: String
    public let stderrPath: String
    /// How the process ended, once it has been reaped.
    private let finished = Mutex<ProcessOutcome?>(nil)

    /// The processes started so far, for the log file names.
    private static let counter = Mutex(0)

    init(executable: String, arguments: [String], environment: [String: String], logDirectory: String, label: String) throws {
        try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        let n = Self.counter.withLock { $0 += 1; return $0 }
        let safe = String(label.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }.prefix(40))
        let base = logDirectory + "/" + String(format: "%04d", n) + "-" + safe
        stdoutPath = base + ".out"
        stderrPath = base + ".err"
        command = ([executable] + arguments).joined(separator: " ")

        var env = ProcessInfo.processInfo.environment
        // The child sees only the settings the test gives it.
        for key in env.keys where key.hasPrefix("BILAG_") || key == "NOTIFY_SOCKET" || key.hasPrefix("WATCHDOG_") || key == "GLIBC_TUNABLES" || key.hasPrefix("MALLOC_") { env[key] = nil }
        for (k, v) in environment { env[k] = v }

        var fa = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fa)
        defer { posix_spawn_file_actions_destroy(&fa) }
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fa, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&fa, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // No signal blocked and the usual ones at their defaults, whatever the test runner's thread does.
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv { free(p) }; for p in envp { free(p) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &fa, &attr, argv, envp)
        guard rc == 0 else { throw TestKitError("cannot start \(executable): \(String(cString: strerror(rc)))") }
        pid = child
    }

    deinit {
        if isRunning { kill(); _ = wait(timeout: 10) }
    }

    /// Sends a signal (SIGTERM, SIGKILL, SIGHUP, …).
    public func send(_ signal: Int32) {
        let done = finished.withLock { $0 != nil }
        if !done { Glibc.kill(pid, signal) }
    }

    /// SIGKILL: the crash.
    public func kill() { send(SIGKILL) }

    /// SIGTERM: the graceful stop.
    public func terminate() { send(SIGTERM) }

    /// True until the process has ended and been reaped.
    public var isRunning: Bool { reap(block: false) == nil }

    /// Waits for the end, polling; nil when it still runs after `timeout` seconds.
    public func wait(timeout: TimeInterval) -> ProcessOutcome? {
        let deadline = Date().addingTimeInterval(timeout)
        var pause: useconds_t = 1_000
        while true {
            if let o = reap(block: false) { return o }
            if Date() >= deadline { return nil }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
    }

    private func reap(block: Bool) -> ProcessOutcome? {
        finished.withLock { finished in
            if let f = finished { return f }
            var status: Int32 = 0
            var usage = rusage()
            let r = wait4(pid, &status, block ? 0 : WNOHANG, &usage)
            guard r == pid else { return nil }
            let low = status & 0x7f
            let outcome = ProcessOutcome(
                exitCode: low == 0 ? (status >> 8) & 0xff : nil,
                signal: low != 0 && low != 0x7f ? low : nil,
                stdout: Self.read(stdoutPath), stderr: Self.read(stderrPath),
                maxResidentKB: Int(usage.ru_maxrss), command: command)
            finished = outcome
            return outcome
        }
    }

    /// What the process printed on stdout so far.
    public func stdoutText() -> String { Self.read(stdoutPath) }
    /// What the process printed on stderr so far (the daemon's JSON log).
    public func stderrText() -> String { Self.read(stderrPath) }

    /// Waits until stderr contains `text`; false on timeout or when the process ended first.
    public func waitForStderr(containing text: String, timeout: TimeInterval) -> Bool {
        poll(timeout: timeout) { self.stderrText().contains(text) || !self.isRunning } && stderrText().contains(text)
    }

    /// The peak resident memory so far (`VmHWM` in /proc), in KiB, while the process runs.
    public func peakResidentKB() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ").dropFirst().first { Int($0) != nil } ?? "")
        }
        return nil
    }

    /// The names the system has for the process's threads now (`/proc/PID/task/*/comm`).
    public func threadNames() -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        // (A thread that ended meanwhile reads as nothing.)
        return tasks.map { Self.read("/proc/\(pid)/task/\($0)/comm").trimmingCharacters(in: .newlines) }.filter { !$0.isEmpty }
    }

    static func read(_ path: String) -> String {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}

/// Polls `condition` every `interval` seconds until it holds (true) or `timeout` passes (false).
@discardableResult
public func poll(timeout: TimeInterval, interval: TimeInterval = 0.02, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return true }
        if Date() >= deadline { return false }
        Thread.sleep(forTimeInterval: interval)
    }
}

/// A small seeded random generator (SplitMix64), so a failing random schedule can be replayed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public let seed: UInt64
    private var state: UInt64

    /// Seeds from `$BILAG_TEST_SEED` when set, else from `seed`, else at random.
    public init(seed: UInt64? = nil) {
        let s = ProcessInfo.processInfo.environment["BILAG_TEST_SEED"].flatMap { UInt64($0) } ?? seed ?? UInt64.random(in: 1...UInt64.max)
        self.seed = s
        state = s
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
