import ArgumentParser
import BilagBench
import BilagCore
import BilagStore
import BilagEngine
import Foundation

/// `bilag bench`: generated invoices through this very binary, end to end, against libxml2 alone.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure bilag end to end on generated invoices: throughput, latency, memory, and the cost over libxml2.",
        discussion: """
        With no options: the shipped robots (Robots/ and bilag.yaml of --root, default the current folder) on a \
        realistic mixed month of 8,000 invoices — what runs in production — and then, as a secondary line, the \
        pipeline with no robot loaded on 10,000 invoices. --touchless N alone runs the month; --count alone the \
        pipeline without robots; --case-system-delay 0,20,200 the month against a loopback HTTP case system. Both \
        run with the pipeline tuning `bilag run` takes from the environment (BILAG_WORKERS, BILAG_WORKERS_NICE, \
        BILAG_BATCH_SIZE), and the month's report names the workers and batch size it ran with.

        For each count N: generates N valid invoices (PEPPOL BIS 3 invoices and credit notes, OIOUBL 2.1; deterministic \
        from --seed) into a fresh temporary root's Inbox/bench/ (not timed); times libxml2 alone parsing the same bytes \
        (one thread, no file I/O); then runs this binary as `bilag run --once --root TEMP` and measures its wall time and \
        peak memory (ru_maxrss). From the database it checks that every file has exactly one outcome and reads the \
        per-invoice latency, decided_at − received_at.

        Targets: ≥ 5,000 invoices/s end to end with every outcome durable; end-to-end wall time ≤ 2.5× libxml2's parse \
        time for the same files; peak memory flat from 10,000 to 100,000 invoices (≤ 1.5× growth).

        Exits 1 when a run leaves a file without exactly one outcome, or bilag fails; a missed target is reported, not an error.
        """)

    @Option(name: .customLong("count"), parsing: .singleValue, help: "Invoices per run; repeatable or a comma list, e.g. --count 10000,100000 (default 10000).")
    var counts: [String] = []

    @Option(help: "Seed for the generated invoices (the same seed gives the same files).")
    var seed: UInt64 = 1

    @Flag(help: "Keep the temporary roots (Inbox, database, Outbox, bilag.log) for a look afterwards.")
    var keep = false

    @Flag(help: "JSON for scripts.")
    var json = false

    @Option(help: "Where to make the temporary roots (default: $TMPDIR or /tmp).")
    var dir: String?

    @Option(help: "The bilag binary to run (default: this one).")
    var binary: String?

    @Option(help: ArgumentHelp("Only write the invoices of the (first) count into this folder and exit; nothing is measured.", valueName: "folder"))
    var generateTo: String?

    func parsedCounts() throws -> [Int] {
        let out = try Self.numbers(counts, option: "--count", allowZero: false)
        return out.isEmpty ? [10_000] : out
    }

    /// The whole numbers of a repeatable, comma-separated option.
    static func numbers(_ values: [String], option: String, allowZero: Bool) throws -> [Int] {
        var out: [Int] = []
        for c in values {
            for part in c.split(separator: ",") {
                let t = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
                guard let n = Int(t), n > 0 || (allowZero && n == 0) else { throw ValidationError("\(option) takes \(allowZero ? "" : "positive ")whole numbers, got '\(part)'") }
                out.append(n)
            }
        }
        return out
    }

    /// One line for a month against the loopback case system.
    static func caseSystemLine(_ r: TouchlessBench.Result) -> String {
        guard let c = r.caseSystem else { return "" }
        let perConnector = c.peakInFlightByConnector.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "case system over HTTP, \(c.delayMilliseconds) ms a lookup: \(r.invoices) invoices in \(String(format: "%.2f", r.seconds)) s = \(Int(Double(r.invoices) / r.seconds)) invoices/s, "
            + "\(c.lookups) lookups = \(Int(c.lookupsPerSecond)) lookups/s (\(String(format: "%.2f", Double(c.lookups) / Double(max(1, r.invoices)))) an invoice), "
            + "peak in flight \(c.peakInFlight) at the case system (\(perConnector); max_in_flight \(c.maxInFlight) each), \(c.connections) connections; "
            + "\(String(format: "%.2f", r.cpuSeconds)) s of CPU in bilag, \(c.serverCPUSeconds.map { String(format: "%.2f", $0) } ?? "?") s in the case system; "
            + "\(r.asExpected)/\(r.invoices) as expected"
    }

    @Option(help: ArgumentHelp("Also run the touchless benchmark: a generated mixed month of this many invoices for the shipped robots (Robots/ and bilag.yaml of --root), each with a known expected outcome; prints the share booked without a human and the share decided as expected.", valueName: "n"))
    var touchless: Int?

    @Option(help: "The folder holding Robots/ and bilag.yaml, for --touchless (default: the current folder).")
    var root: String?

    @Option(name: .customLong("case-system-delay"), parsing: .singleValue, help: ArgumentHelp("Run the touchless month against a loopback HTTP case system (Tests/CaseSystem under --root, python3) answering each lookup after this many milliseconds; repeatable or a comma list, e.g. 0,20,200. Prints invoices/s, lookups/s and the peak of requests in flight.", valueName: "ms"))
    var caseSystemDelays: [String] = []

    @Option(help: "max_in_flight of each loopback case-system connector, for --case-system-delay.")
    var maxInFlight = 64

    /// The month the default workload decides: the shipped robots on a realistic mixed month.
    static let defaultMonth = 8000

    @Option(help: ArgumentHelp("Validate every .xml file of this folder under its own profile and print each verdict (fatal and warning rule ids) and the time per document; used by scripts/validation-diff.", valueName: "folder"))
    var validation: String?

    func run() throws {
        if let folder = validation {
            let r = try ValidationBench(folder: folder).run()
            if json {
                let e = JSONEncoder()
                e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                Console().line(String(decoding: try e.encode(r), as: UTF8.self))
            } else {
                let invalid = r.documents.filter { !$0.valid }.count
                Console().line("\(r.documents.count) documents validated: \(r.documents.count - invalid) valid, \(invalid) invalid, \(r.unreadable.count) unreadable")
                Console().line("  \(r.validateMicros) µs a document to validate, \(r.parseMicros) µs to parse (\(r.rounds) rounds)")
                for (syntax, micros) in r.validateMicrosBySyntax.sorted(by: { $0.key < $1.key }) {
                    Console().line("  \(syntax): \(micros) µs a document to validate (\(r.validateCPUMicrosBySyntax[syntax] ?? 0) µs CPU)")
                }
            }
            return
        }
        let out = Console()
        // The default workload is what runs in production: the shipped robots on a realistic mixed month, with the
        // pipeline with no robot loaded as a secondary line.
        let byDefault = touchless == nil && counts.isEmpty && caseSystemDelays.isEmpty && generateTo == nil
        let delays = try Self.numbers(caseSystemDelays, option: "--case-system-delay", allowZero: true)
        if let n = touchless ?? (byDefault || !delays.isEmpty ? Self.defaultMonth : nil) {
            let repo = root ?? FileManager.default.currentDirectoryPath
            JSONLogHandler.bootstrap(level: "critical")
            for delay in delays {
                let r = try TouchlessBench(count: n, seed: UInt64(seed), repository: repo, caseSystem: .init(delayMilliseconds: delay, maxInFlight: maxInFlight)).run()
                if json { try out.json(r) } else { out.line(Self.caseSystemLine(r)) }
                out.line("  decided ahead on the workers: \(r.decidedAhead["confirmed"] ?? 0) taken at commit, \(r.decidedAhead["redone"] ?? 0) decided again (what they read had changed)")
                out.line("  " + r.pipeline.description)
                for m in r.mismatches { out.line("  MISMATCH \(m)") }
                if r.asExpected != r.invoices { throw ExitStatus.checkFailed.code }
            }
            if !delays.isEmpty && touchless == nil { return }
            let r = try TouchlessBench(count: n, seed: UInt64(seed), repository: repo).run()
            if json {
                try out.json(r)
            } else {
                out.line("touchless month, shipped robots: \(r.invoices) invoices decided in \(String(format: "%.2f", r.seconds)) s (\(Int(Double(r.invoices) / r.seconds)) invoices/s; \(String(format: "%.2f", r.cpuSeconds)) s of CPU, \(Int(Double(r.invoices) / max(r.cpuSeconds, 0.001))) invoices per CPU-second)")
                out.line("  booked without a human  \(r.booked)/\(r.invoices) = \(String(format: "%.1f", r.touchlessRate * 100)) %")
                out.line("  outcome as expected     \(r.asExpected)/\(r.invoices) = \(String(format: "%.1f", r.expectationMatch * 100)) %   [target 100 %]")
                for (kind, outcomes) in r.byKind.sorted(by: { $0.key < $1.key }) {
                    out.line("  \(kind): " + outcomes.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                }
                out.line("  decided ahead on the workers: \(r.decidedAhead["confirmed"] ?? 0) taken at commit, \(r.decidedAhead["redone"] ?? 0) decided again (what they read had changed)")
                out.line("  " + r.pipeline.description)
                out.line("  allocator: " + Allocator.inUse)
                out.line("  " + SQLiteTuning.describe(SQLiteTuning.memoryStatisticsOff))
                for m in r.mismatches { out.line("  MISMATCH \(m)") }
            }
            if r.asExpected != r.invoices { throw ExitStatus.checkFailed.code }
            if counts.isEmpty && !byDefault { return }
            if byDefault && !json { out.line("\nsecondary: the pipeline with no robot loaded") }
        }
        let counts = try parsedCounts()
        if let folder = generateTo {
            let (files, bytes) = try InvoiceGenerator(seed: seed).write(count: counts[0], to: folder)
            out.line("wrote \(files.count) invoice(s), \(bytes) bytes, into \(folder)")
            return
        }
        guard let exe = binary ?? ChildProcess.currentExecutable() else { throw BilagError("binary-missing", "cannot find the bilag binary", remedy: "give it with --binary") }
        let json = self.json
        let runner = BenchRunner(binary: exe, seed: seed, parent: dir ?? NSTemporaryDirectory(), keep: keep, progress: { line in
            Console.note("bench: \(line)")
        })
        var results: [BenchResult] = []
        for n in counts {
            do { results.append(try runner.run(count: n)) } catch {
                Console.note("error: \(error)")
                throw ExitStatus.checkFailed.code
            }
            if !json { Console.note("bench: N = \(n) done") }
        }
        let report = BenchReport(binary: exe, seed: seed, runs: results)
        if json {
            try out.json(report)
        } else {
            out.line(report.text)
        }
        if !report.allOutcomesRecorded { throw ExitStatus.checkFailed.code }
    }
}
