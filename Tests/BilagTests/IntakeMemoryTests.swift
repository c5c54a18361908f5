import BilagCore
import BilagTestKit
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Memory and time stay bounded whatever sizes arrive, through the real binary.
final class IntakeMemoryTests: XCTestCase {
    /// A sparse file of `size` bytes made in an instant, renamed into the Inbox as a sender would.
    static func deliverSparse(_ root: TemporaryRoot, size: Int64, to relativePath: String) throws {
        let target = root.inbox + "/" + relativePath
        let folder = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temp = folder + "/.incoming-" + UUID().uuidString
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw TestKitError("cannot create \(temp)") }
        _ = "<?xml version=\"1.0\"?>\n<Invoice>".withCString { write(fd, $0, strlen($0)) }
        let ok = ftruncate(fd, off_t(size)) == 0
        close(fd)
        guard ok, rename(temp, target) == 0 else { throw TestKitError("cannot make \(target)") }
    }

    /// 40 files just under `max_file_bytes` (16 MiB each, 640 MiB together): the bytes held at once stay within
    /// `max_bytes_in_flight` (32 MiB), so peak memory is the budget above the process's own, not the sum.
    func testManyFilesJustUnderTheSizeLimitStayWithinTheMemoryBudget() throws {
        let root = try TemporaryRoot()
        let limit: Int64 = 16 * 1024 * 1024, budget: Int64 = 32 * 1024 * 1024
        try root.configure(readiness: "rename", intake: ["max_file_bytes: \(limit)", "max_bytes_in_flight: \(budget)"])
        for i in 0..<40 { try Self.deliverSparse(root, size: limit - 1, to: "peppol/big-\(i).xml") }
        let run = try root.bilag(["run", "--once"], timeout: 300)
        XCTAssertEqual(run.exitCode, 0, "\(run)")
        XCTAssertTrue(run.stdout.contains("processed 40 file(s)"), run.stdout)
        let records = try root.records()
        XCTAssertEqual(records.count, 40)
        XCTAssertFalse(records.contains { $0.state != .quarantined }, "zeros are no invoice")
        XCTAssertFalse(records.contains { $0.reasonCode == "too-large" })
        print("peak RSS with 40 files of 16 MiB and a budget of 32 MiB: \(run.maxResidentKB / 1024) MiB")
        // The process itself takes ~60 MiB, the held bytes at most the budget, the workers a parse each (119 MiB measured). Without the
        // budget the first batch alone (32 files) held 512 MiB.
        XCTAssertLessThan(run.maxResidentKB, 160 * 1024, "bilag run --once peaked at \(run.maxResidentKB / 1024) MiB")
    }

    /// A sparse file far over the limit (20 GiB) is refused on its size at once: neither read nor hashed.
    func testAFileFarOverTheSizeLimitIsRefusedOnItsSizeWithoutReadingIt() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        let huge: Int64 = 20 * 1024 * 1024 * 1024
        try Self.deliverSparse(root, size: huge, to: "peppol/huge.xml")
        let started = Date()
        let run = try root.bilag(["run", "--once"], timeout: 120)
        let took = Date().timeIntervalSince(started)
        XCTAssertEqual(run.exitCode, 0, "\(run)")
        XCTAssertLessThan(took, 10, "refusing a 20 GiB file took \(took) s")
        let r = try XCTUnwrap(try root.records().first)
        XCTAssertEqual(r.state, .quarantined)
        XCTAssertEqual(r.reasonCode, "too-large")
        XCTAssertEqual(r.size, huge)
        XCTAssertEqual(r.sha256, "", "a file refused on its size is not hashed")
        var st = stat()
        XCTAssertEqual(stat(root.originalPath(of: r), &st), 0)
        XCTAssertEqual(Int64(st.st_size), huge, "the original is kept")
    }
}
