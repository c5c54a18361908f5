import Foundation

/// The targets bilag is held to.
public enum BenchTargets {
    /// Invoices per second end to end, every outcome durable.
    public static let invoicesPerSecond = 5_000.0
    /// End-to-end wall time at most this multiple of libxml2's single-threaded parse time for the same files.
    public static let ratioToLibxml2 = 2.5
    /// "Flat" memory: peak RSS at the largest count at most this multiple of the smallest count's.
    public static let memoryGrowth = 1.5
}

/// Several runs and the verdicts.
public struct BenchReport: Codable, Sendable {
    public var binary: String
    public var seed: UInt64
    public var runs: [BenchResult]

    public init(binary: String, seed: UInt64, runs: [BenchResult]) { self.binary = binary; self.seed = seed; self.runs = runs }

    /// Peak RSS of the largest run ÷ the smallest run's (nil with fewer than two counts).
    public var memoryGrowth: Double? {
        let sorted = runs.sorted { $0.count < $1.count }
        guard sorted.count >= 2, let a = sorted.first, let b = sorted.last, a.count < b.count, a.peakRSSMiB > 0 else { return nil }
        return b.peakRSSMiB / a.peakRSSMiB
    }

    public var allOutcomesRecorded: Bool { runs.allSatisfy(\.everyFileHasOneOutcome) }
    public var throughputMet: Bool { runs.allSatisfy { $0.invoicesPerSecond >= BenchTargets.invoicesPerSecond } }
    public var ratioMet: Bool { runs.allSatisfy { $0.ratioToLibxml2 <= BenchTargets.ratioToLibxml2 } }
    public var memoryMet: Bool? { memoryGrowth.map { $0 <= BenchTargets.memoryGrowth } }

    enum CodingKeys: String, CodingKey {
        case binary, seed, runs, targets, verdict
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(binary, forKey: .binary)
        try c.encode(seed, forKey: .seed)
        try c.encode(runs, forKey: .runs)
        try c.encode(["invoices_per_second": BenchTargets.invoicesPerSecond, "ratio_to_libxml2": BenchTargets.ratioToLibxml2, "memory_growth": BenchTargets.memoryGrowth], forKey: .targets)
        let v = Verdict(memoryGrowth: memoryGrowth, throughputMet: throughputMet, ratioMet: ratioMet, memoryMet: memoryMet, allOutcomesRecorded: allOutcomesRecorded)
        try c.encode(v, forKey: .verdict)
    }

    struct Verdict: Codable {
        var memoryGrowth: Double?
        var throughputMet: Bool
        var ratioMet: Bool
        var memoryMet: Bool?
        var allOutcomesRecorded: Bool
        enum CodingKeys: String, CodingKey {
            case memoryGrowth = "memory_growth", throughputMet = "throughput_met", ratioMet = "ratio_met", memoryMet = "memory_met", allOutcomesRecorded = "all_outcomes_recorded"
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(memoryGrowth, forKey: .memoryGrowth)
            try c.encode(throughputMet, forKey: .throughputMet)
            try c.encode(ratioMet, forKey: .ratioMet)
            try c.encode(memoryMet, forKey: .memoryMet)
            try c.encode(allOutcomesRecorded, forKey: .allOutcomesRecorded)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        binary = try c.decode(String.self, forKey: .binary)
        seed = try c.decode(UInt64.self, forKey: .seed)
        runs = try c.decode([BenchResult].self, forKey: .runs)
    }

    /// The report for people.
    public var text: String {
        var out: [String] = []
        func f(_ v: Double, _ d: Int = 1) -> String { String(format: "%.\(d)f", v) }
        func mark(_ ok: Bool) -> String { ok ? "✓" : "✗" }
        out.append("bilag bench — seed \(seed), binary \(binary)")
        for r in runs {
            out.append("")
            let mix = ["peppol-invoice", "peppol-credit-note", "oioubl-invoice"].map { "\(r.mix[$0] ?? 0) \($0)" }.joined(separator: ", ")
            out.append("N = \(r.count)   (\(f(Double(r.generatedBytes) / 1_048_576)) MiB generated in \(f(r.generateSeconds)) s: \(mix))")
            out.append("  end to end     \(f(r.wallSeconds, 2)) s wall → \(Int(r.invoicesPerSecond.rounded())) invoices/s   [target ≥ \(Int(BenchTargets.invoicesPerSecond)) \(mark(r.invoicesPerSecond >= BenchTargets.invoicesPerSecond))]")
            out.append("                 child CPU \(f(r.childUserSeconds, 2)) s user + \(f(r.childSystemSeconds, 2)) s system")
            out.append("  latency        p50 \(f(r.latencyP50Ms, 0)) ms, p99 \(f(r.latencyP99Ms, 0)) ms, max \(f(r.latencyMaxMs, 0)) ms   (decided_at − received_at)")
            out.append("  peak RSS       \(f(r.peakRSSMiB)) MiB   (bilag's ru_maxrss \(f(r.ruMaxRSSMiB)) MiB, VmHWM sampled \(f(r.peakRSSSampledMiB)) MiB; the bench itself was \(f(r.benchPeakMiB)) MiB at spawn)")
            out.append("  libxml2 alone  \(f(r.libxml2Seconds, 3)) s   (\(f(r.libxml2MicrosPerFile)) µs/file, one thread, no I/O)")
            out.append("  ratio          \(f(r.ratioToLibxml2, 2))× end to end ÷ libxml2   [target ≤ \(f(BenchTargets.ratioToLibxml2))× \(mark(r.ratioToLibxml2 <= BenchTargets.ratioToLibxml2))]")
            let states = r.outcomesByState.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let reasons = r.reasons.sorted { $0.value > $1.value }.prefix(6).map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            out.append("  outcomes       \(r.decided)/\(r.count) \(mark(r.everyFileHasOneOutcome))   (\(states)\(reasons.isEmpty ? "" : "; " + reasons))")
            if !r.everyFileHasOneOutcome {
                out.append("                 recorded \(r.recorded), distinct Inbox paths \(r.distinctSources), decided \(r.decided), left in the Inbox \(r.leftInInbox)")
            }
            if let root = r.root { out.append("  kept           \(root)") }
        }
        if let g = memoryGrowth, let a = runs.min(by: { $0.count < $1.count }), let b = runs.max(by: { $0.count < $1.count }) {
            out.append("")
            out.append("memory: \(f(a.peakRSSMiB)) MiB at \(a.count) → \(f(b.peakRSSMiB)) MiB at \(b.count) (×\(f(g, 2)))   [target flat, ≤ ×\(f(BenchTargets.memoryGrowth)) \(mark(g <= BenchTargets.memoryGrowth))]")
        }
        return out.joined(separator: "\n")
    }
}
