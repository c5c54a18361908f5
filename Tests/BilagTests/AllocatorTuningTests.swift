import BilagCore
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// bilag asks glibc's allocator to start each thread's arena with 16 MiB usable (`AllocatorTuning`), so that a stream
/// of invoices does not grow every arena a few pages at a time; an operator's own tuning wins.
final class AllocatorTuningTests: XCTestCase {
    /// The arenas of glibc's threads in a running process: each a 64 MiB reservation, aligned to 64 MiB, whose start
    /// is usable (rw-p) and whose rest is held back (---p); the usable part's size in bytes, one per arena.
    static func arenaSizes(pid: pid_t) -> [Int] {
        guard let maps = try? String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8) else { return [] }
        struct Region { let start: Int, end: Int, perms: String, anonymous: Bool }
        let regions: [Region] = maps.split(separator: "\n").compactMap { line in
            let p = line.split(separator: " ", omittingEmptySubsequences: true)
            let range = p.first?.split(separator: "-") ?? []
            guard p.count >= 5, range.count == 2, let a = Int(range[0], radix: 16), let b = Int(range[1], radix: 16) else { return nil }
            return Region(start: a, end: b, perms: String(p[1]), anonymous: p.count == 5)
        }
        let heapMax = 64 << 20
        return zip(regions, regions.dropFirst()).compactMap { usable, reserved in
            guard usable.perms == "rw-p", reserved.perms == "---p", usable.anonymous, reserved.anonymous, usable.end == reserved.start,
                  usable.start % heapMax == 0, reserved.end - usable.start == heapMax else { return nil }
            return usable.end - usable.start
        }
    }

    func daemonArenas(environment: [String: String]) throws -> (sizes: [Int], processed: Bool, output: String) {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 50)
        let template = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        for s in template.stamp(count: 400, prefix: "ARENA") { try root.deliver(s.data, to: "peppol/\(s.number).xml") }
        let daemon = try root.start(["run"], environment: environment.merging(["BILAG_WORKERS": "2"]) { a, _ in a }, label: "daemon")
        defer { daemon.kill(); _ = daemon.wait(timeout: 20) }
        let processed = poll(timeout: 120, interval: 0.1) {
            guard let records = try? root.records() else { return false }
            return records.count == 400 && records.allSatisfy { $0.state != .received }
        }
        return (Self.arenaSizes(pid: daemon.pid), processed, processed ? "" : root.allProcessOutput())
    }

    func testTheDaemonsArenasStartWithSixteenMiBUsable() throws {
        let (sizes, processed, output) = try daemonArenas(environment: [:])
        XCTAssertTrue(processed, "the daemon worked through its Inbox: \(output)")
        // Without the tuning an arena is usable only as far as it was used (well under 16 MiB for this Inbox).
        XCTAssertTrue(sizes.contains { $0 >= 16 << 20 }, "arenas' usable parts (MiB): \(sizes.map { $0 >> 20 })")
    }

    func testAnOperatorsOwnTunablesAreLeftAsTheyAre() throws {
        // A tunable that leaves the arenas' sizes at glibc's defaults: the operator's tuning, so none of bilag's.
        let (sizes, processed, output) = try daemonArenas(environment: ["GLIBC_TUNABLES": "glibc.malloc.tcache_count=7"])
        XCTAssertTrue(processed, "the daemon worked through its Inbox: \(output)")
        XCTAssertFalse(sizes.isEmpty, "the daemon's threads have arenas")
        XCTAssertFalse(sizes.contains { $0 >= 16 << 20 }, "arenas' usable parts (MiB): \(sizes.map { $0 >> 20 })")
    }

    /// What counts as the operator's own tuning (then nothing is set: `apply` gives nothing and leaves this test
    /// process's allocator alone), and what the bench's report says.
    func testWhatCountsAsTheOperatorsTuning() {
        XCTAssertTrue(AllocatorTuning.operatorTuned(["GLIBC_TUNABLES": "glibc.rtld.nns=4:glibc.malloc.tcache_count=0"]))
        XCTAssertTrue(AllocatorTuning.operatorTuned(["MALLOC_ARENA_MAX": "2"]))
        XCTAssertTrue(AllocatorTuning.operatorTuned(["MALLOC_TOP_PAD_": "0"]))
        XCTAssertFalse(AllocatorTuning.operatorTuned(["GLIBC_TUNABLES": "glibc.rtld.nns=4"]))
        XCTAssertFalse(AllocatorTuning.operatorTuned([:]))
        XCTAssertEqual(AllocatorTuning.apply(environment: ["GLIBC_TUNABLES": "glibc.malloc.top_pad=0"]), [])
        XCTAssertEqual(AllocatorTuning.apply(environment: ["MALLOC_TRIM_THRESHOLD_": "131072"]), [])
        XCTAssertEqual(AllocatorTuning.describe(AllocatorTuning.settings, environment: [:]), "allocator: top_pad 16 MiB")
        XCTAssertEqual(AllocatorTuning.describe([], environment: ["MALLOC_ARENA_MAX": "2"]), "allocator: as the operator's GLIBC_TUNABLES or MALLOC_ variables set it")
    }
}
