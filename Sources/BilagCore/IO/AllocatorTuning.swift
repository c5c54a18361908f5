import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How bilag asks glibc's allocator to keep memory it has freed, rather than hand it back to the system and ask for it
/// again moments later.
///
/// Each of bilag's busy threads (the committing thread, the examination workers, the Outbox's) allocates from an arena
/// of its own. By default glibc gives an arena's free top back to the system as soon as it exceeds 128 KiB, and grows
/// it again a page range at a time: every batch of invoices shrank and regrew each arena, some 1.3 `mprotect` calls
/// and their page faults per invoice (`scripts/profile-touchless 2000 strace`). With 16 MiB kept at the top of each
/// arena and 64 MiB of free top tolerated before trimming, a month calls `mprotect` a handful of times
/// (`bilag bench --touchless 8000`: about 6 % less CPU, a few MiB more resident).
///
/// An operator who tunes the allocator through `GLIBC_TUNABLES` (any `glibc.malloc.*` setting) keeps their own tuning:
/// nothing is set then.
public enum AllocatorTuning {
    public struct Setting: Equatable, Sendable {
        /// The tunable's name, as `GLIBC_TUNABLES` spells it after `glibc.malloc.`.
        public let name: String
        public let bytes: Int
    }

    /// What `apply` sets, in this order.
    public static let settings = [
        Setting(name: "top_pad", bytes: 16 << 20),
        Setting(name: "trim_threshold", bytes: 64 << 20),
    ]

    /// What was applied for this process, once, when first read (`bilag` reads it first thing).
    public static let atStart: [Setting] = apply(environment: ProcessInfo.processInfo.environment)

    /// Whether the operator tuned the allocator: `GLIBC_TUNABLES` names a `glibc.malloc.` setting.
    public static func operatorTuned(_ environment: [String: String]) -> Bool {
        environment["GLIBC_TUNABLES"]?.contains("glibc.malloc.") == true
    }

    /// Sets `settings` for the whole process, unless the operator tuned the allocator; the settings applied.
    /// Call it first thing, before other threads start.
    @discardableResult
    public static func apply(environment: [String: String]) -> [Setting] {
        guard !operatorTuned(environment) else { return [] }
        // `mallopt` and its options are in glibc's <malloc.h>, which Swift's Glibc module does not bring in: the
        // function is found by name (nil on a C library without it), the options are glibc's stable values.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return [] }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let options: [String: Int32] = ["trim_threshold": -1, "top_pad": -2]   // M_TRIM_THRESHOLD, M_TOP_PAD
        var applied: [Setting] = []
        for s in settings {
            if let option = options[s.name], mallopt(option, Int32(clamping: s.bytes)) == 1 { applied.append(s) }
        }
        return applied
    }

    /// One line for a benchmark's report: what the figures were measured with.
    public static func describe(_ applied: [Setting], environment: [String: String]) -> String {
        if operatorTuned(environment) { return "allocator: as GLIBC_TUNABLES sets it" }
        if applied.isEmpty { return "allocator: the system's defaults" }
        return "allocator: " + applied.map { "\($0.name) \($0.bytes >> 20) MiB" }.joined(separator: ", ")
    }
}
