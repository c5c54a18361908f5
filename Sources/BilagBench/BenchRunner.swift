import BilagCore
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// One benchmark run: N generated invoices through the real `bilag run --once` in a fresh temporary root.
///
/// 1. Generate N invoices into `ROOT/Inbox/bench/` with `readiness: rename` (not timed).
/// 2. libxml2 alone over the same bytes, single-threaded, I/O excluded: the floor.
/// 3. `bilag run --once --root ROOT` as a child process: wall time, and its peak RSS from `wait4`.
/// 4. From `ROOT/var/bilag.sqlite`: one outcome per file, counts by outcome, and the latency `decided_at − received_at`.
public struct BenchRunner {
    public var binary: String
    public var seed: UInt64
    /// Where the temporary roots are made.
    public var parent: String
    public var keep: Bool
    /// Extra lines for the generated `bilag.yaml`.
    public var extraConfig: String
    /// Progress lines (to stderr), or nil for none.
    public var progress: ((String) -> Void)?

    public init(binary: String, seed: UInt64 = 1, parent: String = NSTemporaryDirectory(), keep: Bool = false, extraConfig: String = "", progress: ((String) -> Void)? = nil) {
        self.binary = binary; self.seed = seed; self.parent = parent; self.keep = keep; self.extraConfig = extraConfig; self.progress = progress
    }

    /// The environment of the `bilag run --once` a run times: this one's, with none of bilag's own variables but the
    /// pipeline's tuning (`TouchlessBench.tuningVariables`, as the month takes it), and the run's root.
    /// `BILAG_STATE` and the rest stay behind: the run's database and Outbox are its temporary root's.
    public static func childEnvironment(_ environment: [String: String], root: String) -> [String: String] {
        var env = environment.filter { !$0.key.hasPrefix("BILAG_") || TouchlessBench.tuningVariables.contains($0.key) }
        env["BILAG_ROOT"] = root
        return env
    }

    public func run(count: Int) throws -> BenchResult {
        let root = try makeRoot()
        var cleanup = !keep
        defer { if cleanup { try? FileManager.default.removeItem(atPath: root) } }
        let inbox = root + "/Inbox/bench"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        try Data("# bilag bench\nintake:\n  readiness: rename\n\(extraConfig)".utf8).write(to: URL(fileURLWithPath: root + "/bilag.yaml"))

        // 1. Generate (not timed).
        progress?("generating \(count) invoices into \(inbox)")
        let generator = InvoiceGenerator(seed: seed)
        let genStart = ChildProcess.monotonicSeconds()
        var mix: [String: Int] = [:]
        var bytes: Int64 = 0
        for i in 0..<count {
            let g = generator.document(index: i)
            let data = g.xml
            let path = inbox + "/" + g.fileName
            try Self.writeFile(data, to: path)
            mix[g.format.rawValue, default: 0] += 1
            bytes += Int64(data.count)
        }
        // The files are on disk before bilag sees them, as an access point's deliveries are: without this the
        // kernel writes the freshly generated gigabyte back while bilag runs, and bilag's fsyncs wait behind it.
        sync()
        let genSeconds = ChildProcess.monotonicSeconds() - genStart

        // 2. The real binary, end to end. It runs before the baseline loads every file into this process: a child's
        // ru_maxrss starts from the high-water mark of the process it was spawned from (Linux carries it over exec),
        // so the bench must still be small here for the figure to be bilag's own.
        progress?("bilag run --once --root \(root)")
        var selfUsage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &selfUsage)
        let parentPeakKiB = Int(selfUsage.ru_maxrss)
        let env = Self.childEnvironment(ProcessInfo.processInfo.environment, root: root)
        let child = try ChildProcess.run(binary, ["run", "--once", "--root", root], stdoutPath: root + "/bilag.out", stderrPath: root + "/bilag.log", environment: env)
        guard child.exitCode == 0 else {
            cleanup = false
            let log = (try? String(contentsOfFile: root + "/bilag.log", encoding: .utf8)) ?? ""
            throw BenchError("bilag run --once ended with \(child.exitCode.map { "exit code \($0)" } ?? "signal \(child.signal ?? -1)") after \(String(format: "%.1f", child.wallSeconds)) s; root kept at \(root)\n\(log.suffix(2000))")
        }

        // 3. What the database says.
        let db = try DatabaseFacts.read(root + "/var/bilag.sqlite")

        // 4. libxml2 alone over the same bytes (the kept originals), single-threaded. The files are read before the
        // clock runs, a chunk at a time, so no I/O is timed and the bench stays small for the next run's spawn.
        progress?("libxml2 alone over the same \(count) files")
        var baseline = LibXML2Baseline.Result(seconds: 0, files: 0, bytes: 0, failures: 0)
        let stored = db.storedPaths.map { root + "/var/" + $0 }
        for start in stride(from: 0, to: stored.count, by: 1000) {
            var documents: [Data] = []
            documents.reserveCapacity(1000)
            for p in stored[start..<min(stored.count, start + 1000)] {
                guard let d = FileIO.read(p) else { throw BenchError("cannot read back \(p)") }
                documents.append(d)
            }
            let part = LibXML2Baseline.measure(documents)
            baseline.seconds += part.seconds; baseline.files += part.files; baseline.bytes += part.bytes; baseline.failures += part.failures
        }
        if baseline.failures > 0 { throw BenchError("libxml2 refused \(baseline.failures) generated file(s): the generator is broken") }


        let leftInInbox = Self.countFiles(root + "/Inbox")
        let logBytes = (try? FileManager.default.attributesOfItem(atPath: root + "/bilag.log")[.size] as? Int64) ?? 0
        let stdout = (try? String(contentsOfFile: root + "/bilag.out", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""

        var r = BenchResult(count: count, seed: seed)
        r.generatedBytes = bytes
        r.generateSeconds = genSeconds
        r.mix = mix
        r.libxml2Seconds = baseline.seconds
        r.libxml2MicrosPerFile = baseline.microsPerFile
        r.wallSeconds = child.wallSeconds
        r.invoicesPerSecond = Double(count) / child.wallSeconds
        r.ratioToLibxml2 = baseline.seconds > 0 ? child.wallSeconds / baseline.seconds : 0
        r.ruMaxRSSMiB = Double(child.maxRSSKiB) / 1024
        r.peakRSSSampledMiB = Double(child.sampledPeakKiB) / 1024
        r.benchPeakMiB = Double(parentPeakKiB) / 1024
        // ru_maxrss is bilag's own unless it is no higher than the bench's peak at spawn (which Linux carries into the
        // child); then the VmHWM sampled from /proc during the run is the honest figure.
        r.peakRSSMiB = child.maxRSSKiB > parentPeakKiB + 512 ? r.ruMaxRSSMiB : r.peakRSSSampledMiB
        r.childUserSeconds = child.userSeconds
        r.childSystemSeconds = child.systemSeconds
        r.latencyP50Ms = db.percentile(0.50)
        r.latencyP99Ms = db.percentile(0.99)
        r.latencyMaxMs = db.latenciesMs.last ?? 0
        r.outcomesByState = db.byState
        r.reasons = db.byReason
        r.recorded = db.rows
        r.distinctSources = db.distinctSources
        r.decided = db.decided
        r.leftInInbox = leftInInbox
        r.journalEntries = db.journalEntries
        r.journalUnflushed = db.journalUnflushed
        r.logBytes = logBytes
        r.childSummary = stdout
        r.root = keep ? root : nil
        return r
    }

    func makeRoot() throws -> String {
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        var template = Array((parent.hasSuffix("/") ? parent : parent + "/") .utf8CString.dropLast()) + Array("bilag-bench-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw BenchError("cannot make a temporary folder under \(parent): \(String(cString: strerror(errno)))") }
        return String(cString: p)
    }

    static func writeFile(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BenchError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try data.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 { if errno == EINTR { continue }; throw BenchError("cannot write \(path): \(String(cString: strerror(errno)))") }
                done += n
            }
        }
    }

    /// Regular files left under a folder (dot-files ignored).
    static func countFiles(_ folder: String) -> Int {
        guard let e = FileManager.default.enumerator(atPath: folder) else { return 0 }
        var n = 0
        while let rel = e.nextObject() as? String {
            if (rel as NSString).lastPathComponent.hasPrefix(".") { continue }
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + rel, isDirectory: &isDir), !isDir.boolValue { n += 1 }
        }
        return n
    }
}

/// What the benchmark reads back from the database after the run.
struct DatabaseFacts {
    var rows = 0
    var distinctSources = 0
    var decided = 0
    var byState: [String: Int] = [:]
    var byReason: [String: Int] = [:]
    /// Sorted ascending.
    var latenciesMs: [Double] = []
    /// Kept originals, relative to the state folder, in claim order.
    var storedPaths: [String] = []
    var journalEntries = 0
    var journalUnflushed = 0

    func percentile(_ p: Double) -> Double {
        guard !latenciesMs.isEmpty else { return 0 }
        // Nearest rank.
        let rank = Int((p * Double(latenciesMs.count)).rounded(.up))
        return latenciesMs[max(0, min(latenciesMs.count - 1, rank - 1))]
    }

    static func read(_ path: String) throws -> DatabaseFacts {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: config)
        return try queue.read { db in
            var f = DatabaseFacts()
            f.rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice") ?? 0
            f.distinctSources = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT source_path) FROM invoice") ?? 0
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) FROM invoice GROUP BY state") { f.byState[row[0]] = row[1] }
            for row in try Row.fetchAll(db, sql: "SELECT state || ':' || COALESCE(reason_code, '-'), COUNT(*) FROM invoice WHERE state NOT IN ('received', 'booked') GROUP BY 1") { f.byReason[row[0]] = row[1] }
            let cursor = try Row.fetchCursor(db, sql: "SELECT received_at, decided_at FROM invoice WHERE decided_at IS NOT NULL AND state <> 'received'")
            var lat: [Double] = []
            lat.reserveCapacity(f.rows)
            while let row = try cursor.next() {
                let received: String = row[0], decided: String = row[1]
                if let a = millis(received), let b = millis(decided) { lat.append(Double(b - a)) }
            }
            f.decided = lat.count
            f.storedPaths = try String.fetchAll(db, sql: "SELECT stored_path FROM invoice ORDER BY id")
            f.latenciesMs = lat.sorted()
            f.journalEntries = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal_entry") ?? 0
            f.journalUnflushed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal_entry WHERE file IS NULL") ?? 0
            return f
        }
    }

    /// Milliseconds since the epoch of bilag's `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    static func millis(_ s: String) -> Int64? {
        let u = Array(s.utf8)
        guard u.count >= 23, u[10] == UInt8(ascii: "T") else { return nil }
        func num(_ r: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in r { let d = u[i]; guard d >= 48, d <= 57 else { return nil }; v = v * 10 + Int64(d - 48) }
            return v
        }
        guard let day = LocalDate(parsing: String(decoding: u[0..<10], as: UTF8.self)),
              let h = num(11..<13), let m = num(14..<16), let sec = num(17..<19), let ms = num(20..<23) else { return nil }
        return (Int64(day.dayNumber) * 86400 + h * 3600 + m * 60 + sec) * 1000 + ms
    }
}

/// The figures of one run.
public struct BenchResult: Codable, Sendable {
    public var count: Int
    public var seed: UInt64
    public var generatedBytes: Int64 = 0
    public var generateSeconds = 0.0
    public var mix: [String: Int] = [:]
    public var libxml2Seconds = 0.0
    public var libxml2MicrosPerFile = 0.0
    public var wallSeconds = 0.0
    public var invoicesPerSecond = 0.0
    public var ratioToLibxml2 = 0.0
    /// bilag's peak RSS: `ruMaxRSSMiB`, or the sampled VmHWM when ru_maxrss is only the bench's own peak carried over.
    public var peakRSSMiB = 0.0
    /// The child's ru_maxrss from wait4.
    public var ruMaxRSSMiB = 0.0
    /// The child's VmHWM, sampled from /proc every 10 ms while it ran (a cross-check of `peakRSSMiB`).
    public var peakRSSSampledMiB = 0.0
    /// The bench's own peak RSS when it spawned bilag: `peakRSSMiB` cannot be below it (see `BenchRunner.run`).
    public var benchPeakMiB = 0.0
    public var childUserSeconds = 0.0
    public var childSystemSeconds = 0.0
    public var latencyP50Ms = 0.0
    public var latencyP99Ms = 0.0
    public var latencyMaxMs = 0.0
    public var outcomesByState: [String: Int] = [:]
    public var reasons: [String: Int] = [:]
    /// Rows in the invoice table.
    public var recorded = 0
    /// Distinct Inbox paths among them.
    public var distinctSources = 0
    /// Rows with a final outcome (not `received`) and a decision time.
    public var decided = 0
    /// Files still in the Inbox after the run.
    public var leftInInbox = 0
    public var journalEntries = 0
    public var journalUnflushed = 0
    public var logBytes: Int64 = 0
    public var childSummary = ""
    /// The temporary root, when kept.
    public var root: String?

    public init(count: Int, seed: UInt64) { self.count = count; self.seed = seed }

    /// Every file has exactly one recorded, decided outcome and nothing is left behind.
    public var everyFileHasOneOutcome: Bool { recorded == count && distinctSources == count && decided == count && leftInInbox == 0 }

    enum CodingKeys: String, CodingKey {
        case count, seed, mix, root, decided, recorded, reasons
        case generatedBytes = "generated_bytes", generateSeconds = "generate_seconds"
        case libxml2Seconds = "libxml2_seconds", libxml2MicrosPerFile = "libxml2_us_per_file"
        case wallSeconds = "wall_seconds", invoicesPerSecond = "invoices_per_second", ratioToLibxml2 = "ratio_to_libxml2"
        case peakRSSMiB = "peak_rss_mib", ruMaxRSSMiB = "ru_maxrss_mib", peakRSSSampledMiB = "peak_rss_sampled_mib", benchPeakMiB = "bench_peak_rss_mib", childUserSeconds = "child_user_seconds", childSystemSeconds = "child_system_seconds"
        case latencyP50Ms = "latency_p50_ms", latencyP99Ms = "latency_p99_ms", latencyMaxMs = "latency_max_ms"
        case outcomesByState = "outcomes_by_state", distinctSources = "distinct_sources", leftInInbox = "left_in_inbox"
        case journalEntries = "journal_entries", journalUnflushed = "journal_unflushed", logBytes = "log_bytes", childSummary = "child_summary"
    }
}
