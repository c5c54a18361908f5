import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How bilag asks glibc's allocator to give each thread's arena room up front, rather than grow it a few pages at a
/// time.
///
/// Each of bilag's busy threads (the committing thread, the examination workers, the Outbox's) allocates from an arena
/// of its own. By default glibc makes a new arena usable only as far as it is used, and grows it with an `mprotect`
/// call each time it is used further: over a month the arenas grew by some 2,600 such calls per 2,000 invoices
/// (`scripts/profile-touchless 2000 strace`), each with the kernel's work around it. With `top_pad` at 16 MiB a new
/// arena starts with 16 MiB usable, which is more than a thread holds at once for ordinary invoices: a month then calls
/// `mprotect` a handful of times. Pages are resident only once used, and an arena that grew past its 16 MiB for a large
/// invoice is trimmed back as before, down to what is in use plus the 16 MiB (`bilag bench --touchless 8000`: about
/// 1 % less CPU, the same peak resident memory).
///
/// An operator who tunes the allocator (`GLIBC_TUNABLES` with a `glibc.malloc.` setting, or one of glibc's `MALLOC_`
/// variables such as `MALLOC_ARENA_MAX` or `MALLOC_TOP_PAD_`) keeps their own tuning: nothing is set then.
public enum AllocatorTuning {
    public struct Setting: Equatable, Sendable {
        /// The tunable's name, as `GLIBC_TUNABLES` spells it after `glibc.malloc.`.
        public let name: String
        public let bytes: Int
        /// Its option for `mallopt`: glibc's stable value of the macro in <malloc.h>.
        let option: Int32
    }

    /// What `apply` sets.
    public static let settings = [Setting(name: "top_pad", bytes: 16 << 20, option: -2)]   // M_TOP_PAD

    /// What was applied for this process, once, when first read (`bilag` reads it first thing).
    public static let atStart: [Setting] = apply(environment: ProcessInfo.processInfo.environment)

    /// Whether the operator tuned the allocator: `GLIBC_TUNABLES` names a `glibc.malloc.` setting, or a `MALLOC_`
    /// variable is set.
    public static func operatorTuned(_ environment: [String: String]) -> Bool {
        environment["GLIBC_TUNABLES"]?.contains("glibc.malloc.") == true || environment.keys.contains { $0.hasPrefix("MALLOC_") }
    }

    /// Sets `settings` for the whole process, unless the operator tuned the allocator; the settings applied.
    /// Call it first thing, before other threads start.
    @discardableResult
    public static func apply(environment: [String: String]) -> [Setting] {
        guard !operatorTuned(environment) else { return [] }
        // `mallopt` and its options are in glibc's <malloc.h>, which Swift's Glibc module does not bring in: the
        // function is found by name (nil on a C library without it), the options are glibc's stable values.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return [] }   // RTLD_DEFAULT
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        return settings.filter { mallopt($0.option, Int32(clamping: $0.bytes)) == 1 }
    }

    /// One line for a benchmark's report: what the figures were measured with.
    public static func describe(_ applied: [Setting], environment: [String: String]) -> String {
        if operatorTuned(environment) { return "allocator: as the operator's GLIBC_TUNABLES or MALLOC_ variables set it" }
        if applied.isEmpty { return "allocator: the system's defaults" }
        return "allocator: " + applied.map { "\($0.name) \($0.bytes >> 20) MiB" }.joined(separator: ", ")
    }
}
