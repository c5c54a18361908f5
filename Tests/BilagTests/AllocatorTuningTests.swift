import BilagCore
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// bilag asks glibc's allocator to keep 16 MiB at the top of each thread's arena (`AllocatorTuning`), so that a stream
/// of invoices does not shrink and regrow every arena a batch at a time; an operator's own `GLIBC_TUNABLES` wins.
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

    func daemonArenas(environment: [String: String]) throws -> (sizes: [Int], processed: Bool) {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 50)
        let template = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        for s in template.stamp(count: 400, prefix: "ARENA") { try root.deliver(s.data, to: "peppol/\(s.number).xml") }
        let daemon = try root.start(["run"], environment: environment.merging(["BILAG_WORKERS": "2"]) { a, _ in a }, label: "daemon")
        defer { daemon.kill(); _ = daemon.wait(timeout: 20) }
        let processed = poll(timeout: 120, interval: 0.1) { root.inboxFiles().isEmpty && ((try? root.records().allSatisfy { $0.state != .received }) ?? false) }
        return (Self.arenaSizes(pid: daemon.pid), processed)
    }

    func testTheDaemonsArenasKeepSixteenMiBAtTheirTop() throws {
        let (sizes, processed) = try daemonArenas(environment: [:])
        XCTAssertTrue(processed, "the daemon worked through its Inbox")
        // Without the tuning an arena grows only as far as it is used (well under 16 MiB for this Inbox).
        XCTAssertTrue(sizes.contains { $0 >= 16 << 20 }, "arenas' usable parts (MiB): \(sizes.map { $0 >> 20 })")
    }

    func testAnOperatorsOwnTunablesAreLeftAsTheyAre() throws {
        let (sizes, processed) = try daemonArenas(environment: ["GLIBC_TUNABLES": "glibc.malloc.top_pad=131072"])
        XCTAssertTrue(processed, "the daemon worked through its Inbox")
        XCTAssertFalse(sizes.isEmpty, "the daemon's threads have arenas")
        XCTAssertFalse(sizes.contains { $0 >= 16 << 20 }, "arenas' usable parts (MiB): \(sizes.map { $0 >> 20 })")
    }

    func testWhatIsAppliedAndWhen() {
        XCTAssertTrue(AllocatorTuning.operatorTuned(["GLIBC_TUNABLES": "glibc.rtld.nns=4:glibc.malloc.tcache_count=0"]))
        XCTAssertFalse(AllocatorTuning.operatorTuned(["GLIBC_TUNABLES": "glibc.rtld.nns=4"]))
        XCTAssertFalse(AllocatorTuning.operatorTuned([:]))
        XCTAssertEqual(AllocatorTuning.apply(environment: ["GLIBC_TUNABLES": "glibc.malloc.top_pad=0"]), [])
        XCTAssertEqual(AllocatorTuning.apply(environment: [:]), AllocatorTuning.settings)
        XCTAssertEqual(AllocatorTuning.describe(AllocatorTuning.settings, environment: [:]), "allocator: top_pad 16 MiB, trim_threshold 64 MiB")
        XCTAssertEqual(AllocatorTuning.describe([], environment: ["GLIBC_TUNABLES": "glibc.malloc.top_pad=0"]), "allocator: as GLIBC_TUNABLES sets it")
    }
}
