import BilagCore
import BilagStore
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A fresh bilag root for one test: `Inbox/`, `Outbox/`, a `bilag.yaml` to write, the state folder `var/`, and
/// `logs/` for the output of every process the test starts. Removed when the object goes away, unless
/// `$BILAG_KEEP_TEST_ROOTS` is set (then its path is printed, for a post-mortem).
public final class TemporaryRoot: Sendable {
    public let path: String
    public let binary: BilagBinary

    public var inbox: String { path + "/Inbox" }
    public var outbox: String { path + "/Outbox" }
    public var state: String { path + "/var" }
    public var databasePath: String { state + "/bilag.sqlite" }
    public var journalDirectory: String { outbox + "/journal" }
    public var logDirectory: String { path + "/logs" }
    public var configPath: String { path + "/bilag.yaml" }

    /// The store once opened, behind a lock so that a test's threads open it once.
    private let storeHandle = Mutex<Store?>(nil)
    private let keep = ProcessInfo.processInfo.environment["BILAG_KEEP_TEST_ROOTS"] != nil

    /// Creates `$TMPDIR/bilag-test-NAME-XXXXXX` with `Inbox/` and `Outbox/`.
    public init(_ name: String = #function, binary: BilagBinary? = nil) throws {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let clean = String(name.filter { $0.isLetter || $0.isNumber }.prefix(40))
        var template = Array("\(base)/bilag-test-\(clean)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestKitError("cannot create a temporary folder in \(base)") }
        path = String(cString: made)
        self.binary = try binary ?? BilagBinary.locate()
        for dir in [inbox, outbox, logDirectory] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
    }

    deinit {
        storeHandle.withLock { $0 = nil }
        if keep { print("kept test root \(path)") } else { try? FileManager.default.removeItem(atPath: path) }
    }

    // MARK: configuration

    /// Writes `bilag.yaml`.
    public func writeConfig(_ yaml: String) throws {
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: configPath))
    }

    /// Writes a `bilag.yaml` with a readiness rule, a short poll interval and any further YAML for the `intake:` section.
    public func configure(readiness: String = "rename", pollIntervalMs: Int = 25, intake extra: [String] = [], more: String = "") throws {
        var lines = ["intake:", "  readiness: \(readiness)", "  poll_interval_ms: \(pollIntervalMs)"]
        lines += extra.map { "  " + $0 }
        try writeConfig(lines.joined(separator: "\n") + "\n" + more)
    }

    // MARK: the Inbox

    /// Delivers a file the way a well-behaved sender does: written under a dot-name in the same folder, then renamed.
    @discardableResult
    public func deliver(_ data: Data, to relativePath: String) throws -> String {
        let target = inbox + "/" + relativePath
        let folder = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temp = folder + "/.incoming-" + UUID().uuidString
        try data.write(to: URL(fileURLWithPath: temp))
        guard rename(temp, target) == 0 else { throw TestKitError("cannot rename into \(target): \(String(cString: strerror(errno)))") }
        return target
    }

    /// Delivers `count` copies of a corpus invoice into `peppol/`, each with a number of its own (`PREFIX-…`).
    public func deliverCopies(of corpus: String, count: Int, prefix: String) throws {
        let template = try InvoiceTemplate(corpus: corpus)
        for s in template.stamp(count: count, prefix: prefix) { try deliver(s.data, to: "peppol/\(s.number).xml") }
    }

    /// Writes a file in place (not atomically), as a careless sender does.
    @discardableResult
    public func write(_ data: Data, to relativePath: String) throws -> String {
        let target = inbox + "/" + relativePath
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: target))
        return target
    }

    /// The regular files under `Inbox/`, relative to it (dot-files included), sorted.
    public func inboxFiles() -> [String] {
        Self.files(under: inbox)
    }

    /// The regular files under a folder, relative to it, sorted.
    public static func files(under folder: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: folder) else { return [] }
        var out: [String] = []
        while let rel = e.nextObject() as? String {
            var st = stat()
            if lstat(folder + "/" + rel, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { out.append(rel) }
        }
        return out.sorted()
    }

    // MARK: the binary

    /// Runs `bilag ARGS --root ROOT` to its end.
    public func bilag(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 120) throws -> ProcessOutcome {
        try binary.run(arguments + ["--root", path], environment: environment, logDirectory: logDirectory, timeout: timeout)
    }

    /// Runs `bilag ARGS --root ROOT` and fails unless it exits 0.
    @discardableResult
    public func bilagSucceeding(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 120) throws -> ProcessOutcome {
        let o = try bilag(arguments, environment: environment, timeout: timeout)
        guard o.succeeded else { throw TestKitError("expected success: \(o)") }
        return o
    }

    /// Runs `bilag ARGS --root ROOT` under strace, which kills it with SIGKILL at its `nth` call of `syscall` (a crash
    /// at an exact step: `rename`, `link`, `fsync`, …); nil when strace is not installed (`scripts/setup` installs it).
    public func bilagKilled(at syscall: String, nth: Int, _ arguments: [String], timeout: TimeInterval = 120) throws -> ProcessOutcome? {
        guard let strace = ["/usr/bin/strace", "/bin/strace"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let p = try BilagProcess(executable: strace, arguments: ["-f", "-qq", "-o", "/dev/null", "-e", "inject=\(syscall):signal=SIGKILL:when=\(nth)", binary.path] + arguments + ["--root", path],
                                 environment: [:], logDirectory: logDirectory, label: "killed-at-\(syscall)-\(nth)")
        guard let outcome = p.wait(timeout: timeout) else {
            p.kill()
            throw TestKitError("`bilag \(arguments.joined(separator: " "))` under strace did not finish within \(timeout) s")
        }
        return outcome
    }

    /// Starts `bilag ARGS --root ROOT` in the background (e.g. `["run"]`, the daemon).
    public func start(_ arguments: [String], environment: [String: String] = [:], label: String? = nil) throws -> BilagProcess {
        try binary.start(arguments + ["--root", path], environment: environment, logDirectory: logDirectory, label: label)
    }

    /// Starts the daemon and waits until it has said it started.
    public func startDaemon(environment: [String: String] = [:], timeout: TimeInterval = 20) throws -> BilagProcess {
        let p = try start(["run"], environment: environment, label: "daemon")
        // Ready, not merely started: a SIGTERM sent before the daemon handles it would kill it instead of stopping it.
        guard p.waitForStderr(containing: "bilag ready", timeout: timeout) else {
            p.kill()
            throw TestKitError("the daemon did not start: \(p.wait(timeout: 5)?.description ?? p.stderrText())")
        }
        return p
    }

    /// Everything every process of this test printed (stdout and stderr), for leak checks.
    public func allProcessOutput() -> String {
        Self.files(under: logDirectory).map { (try? String(contentsOfFile: logDirectory + "/" + $0, encoding: .utf8)) ?? "" }.joined(separator: "\n")
    }

    // MARK: state

    /// The store, opened once (after the first run created it).
    public func store() throws -> Store {
        try storeHandle.withLock { handle in
            if let s = handle { return s }
            let s = try Store(path: databasePath)
            handle = s
            return s
        }
    }

    /// Every invoice record.
    public func records() throws -> [InvoiceRecord] {
        try store().invoices(limit: 1_000_000)
    }

    /// The kept original of a record.
    public func originalPath(of record: InvoiceRecord) -> String { state + "/" + record.storedPath }

    /// The journal as the ERP would read it.
    public func journal() throws -> JournalContents { try JournalContents(directory: journalDirectory) }
}

/// Every file of `Outbox/journal/` parsed: the lines, and anything a reader of the journal should never see.
public struct JournalContents {
    /// The `journal-*.jsonl` files, sorted.
    public var files: [String] = []
    /// Every line, parsed, in file order.
    public var entries: [[String: Any]] = []
    /// Lines that are not a complete JSON object (with their file).
    public var brokenLines: [String] = []
    /// Files whose last line has no newline.
    public var unterminatedFiles: [String] = []
    /// Other names in the folder (temporary files of a writer that was killed, …), not counting the lock file.
    public var otherNames: [String] = []

    public init(directory: String) throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names.sorted() {
            guard name.hasPrefix("journal-"), name.hasSuffix(".jsonl") else {
                if name != ".lock" { otherNames.append(name) }
                continue
            }
            files.append(name)
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            if let last = data.last, last != 0x0A { unterminatedFiles.append(name) }
            for line in data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast(data.last == 0x0A ? 1 : 0) {
                if let o = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] {
                    entries.append(o)
                } else {
                    brokenLines.append("\(name): \(String(decoding: line, as: UTF8.self).prefix(200))")
                }
            }
        }
    }

    /// The `invoice_id` of every line.
    public var invoiceIDs: [String] { entries.compactMap { $0["invoice_id"] as? String } }
    /// The `seq` of every line.
    public var sequenceNumbers: [Int] { entries.compactMap { ($0["seq"] as? NSNumber)?.intValue } }
}
