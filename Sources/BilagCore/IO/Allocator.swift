import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The memory allocator the process runs on: the library whose `malloc` every allocation calls, Swift's, SQLite's and
/// libxml2's alike.
///
/// `bilag` is linked with mimalloc (Package.swift; `scripts/setup` installs `libmimalloc-dev`), which takes the place of
/// glibc's `malloc` for the whole process. A month of invoices allocates and frees hundreds of blocks an invoice from
/// three busy threads at once: under glibc's allocator that was about 8 % of the month's `perf` samples (`malloc`,
/// `_int_malloc`, `_int_free`, `unlink_chunk`, `malloc_consolidate`), under mimalloc about 6 %, and the month runs 4 %
/// fewer instructions (the README's issue-18 log has the figures). Its options are the operator's, as mimalloc's own
/// `MIMALLOC_` environment variables (`MIMALLOC_VERBOSE=1` prints them at start).
public enum Allocator {
    /// What `describe` says, worked out once.
    public static let inUse: String = describe()

    /// `mimalloc 2.0.9 (libmimalloc.so.2.0)`: the allocator's name and version, and the library `malloc` comes from.
    static func describe() -> String {
        let library = mallocLibrary()
        let name: String
        var version: String?
        if let v = symbol("mi_version", as: (@convention(c) () -> Int32).self) {
            // mimalloc's version as a number: 209 is 2.0.9.
            let n = Int(v())
            name = "mimalloc"
            version = "\(n / 100).\(n / 10 % 10).\(n % 10)"
        } else if library.hasPrefix("libc.") || library.hasPrefix("libc-") {
            name = "glibc"
            version = symbol("gnu_get_libc_version", as: (@convention(c) () -> UnsafePointer<CChar>?).self).flatMap { $0() }.map { String(cString: $0) }
        } else {
            name = library.split(separator: ".").first.map { String($0.dropFirst($0.hasPrefix("lib") ? 3 : 0)) } ?? library
        }
        return ([name] + (version.map { [$0] } ?? [])).joined(separator: " ") + " (\(library))"
    }

    /// The file name of the library that defines the `malloc` this process calls: the file mapped where that function
    /// is (`/proc/self/maps`; glibc's `dladdr` is not in Swift's Glibc module).
    static func mallocLibrary() -> String {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc"),   // RTLD_DEFAULT
              let maps = ProcFile.read("/proc/self/maps") else { return "unknown" }
        let address = UInt(bitPattern: symbol)
        for line in maps.split(separator: "\n") {
            // start-end perms offset device inode path
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            let range = fields.first?.split(separator: "-") ?? []
            guard fields.count == 6, range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16),
                  start <= address, address < end else { continue }
            return (fields[5].trimmingCharacters(in: .whitespaces) as NSString).lastPathComponent
        }
        return "unknown"
    }

    private static func symbol<T>(_ name: String, as type: T.Type) -> T? {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), name).map { unsafeBitCast($0, to: type) }
    }
}
