@testable import BilagCore
import BilagTestKit
import Foundation
import XCTest

/// `bilag` runs on mimalloc, linked in the place of glibc's `malloc` for the whole process (`Allocator`): the daemon's
/// `malloc` is mimalloc's while it works an Inbox, its start line says so, and mimalloc takes its options from the
/// operator's `MIMALLOC_` variables.
final class AllocatorTests: XCTestCase {
    func testTheDaemonAllocatesFromMimalloc() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 50)
        try root.deliverCopies(of: "peppol-bis3/examples/base-example.xml", count: 200, prefix: "ALLOC")
        let daemon = try root.startDaemon(environment: ["BILAG_WORKERS": "2", "MIMALLOC_VERBOSE": "1"])
        defer { daemon.kill(); _ = daemon.wait(timeout: 20) }
        let processed = poll(timeout: 120, interval: 0.1) {
            guard let records = try? root.records() else { return false }
            return records.count == 200 && records.allSatisfy { $0.state != .received }
        }
        XCTAssertTrue(processed, "the daemon worked through its Inbox: \(root.allProcessOutput().suffix(3000))")
        let started = daemon.stderrText().split(separator: "\n").first { $0.contains("bilag started") }.map(String.init) ?? daemon.stderrText()
        XCTAssertTrue(started.contains("\"allocator\":\"mimalloc 2."), started)
        XCTAssertTrue(started.contains("(libmimalloc.so"), started)
        XCTAssertTrue((ProcFile.read("/proc/\(daemon.pid)/maps") ?? "").contains("libmimalloc.so"), "libmimalloc is not mapped")
        // The operator's `MIMALLOC_` options reach it: verbose, it says it started and which options it runs with.
        XCTAssertTrue(daemon.stderrText().contains("mimalloc: process init"), String(daemon.stderrText().prefix(2000)))
        XCTAssertTrue(daemon.stderrText().contains("mimalloc: option 'verbose': 1"), String(daemon.stderrText().prefix(2000)))
    }

    /// In this test process, which is not linked with mimalloc, the allocator is glibc's, and says its version.
    func testTheAllocatorIsToldByTheLibraryThatDefinesMalloc() {
        XCTAssertTrue(Allocator.mallocLibrary().hasPrefix("libc.so"), Allocator.mallocLibrary())
        XCTAssertTrue(Allocator.describe().hasPrefix("glibc 2."), Allocator.describe())
        XCTAssertTrue(Allocator.describe().hasSuffix("(libc.so.6)"), Allocator.describe())
    }

    /// A `/proc` file is read to its end, past the 4 KiB Foundation's readers stop at: this process's maps, longer
    /// than that with its many libraries, come whole.
    func testAProcFileIsReadToItsEnd() throws {
        let maps = try XCTUnwrap(ProcFile.read("/proc/self/maps"))
        XCTAssertGreaterThan(maps.utf8.count, 4096)
        XCTAssertTrue(maps.hasSuffix("\n"))
        XCTAssertTrue(maps.contains("libswiftCore.so") && maps.contains("libc.so.6"), maps)
        XCTAssertNil(ProcFile.read("/proc/self/no-such-file"))
    }
}
