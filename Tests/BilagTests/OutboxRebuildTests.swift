import BilagCore
import BilagOutbox
import BilagStore
import BilagTestKit
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Every writer chosen in bilag.yaml keeps "exactly once" across a store restored from an older copy: the store check
/// looks at each writer's files, and after `bilag store rebuild` each writer takes its files back (their bookings are
/// exactly the rebuilt store's) rather than writing them again. Through the real binary.
final class OutboxRebuildTests: XCTestCase {
    let config = "intake:\n  readiness: rename\n  poll_interval_ms: 25\noutbox:\n  writers:\n    journal: { kind: jsonl }\n    copy: { kind: jsonl, max_entries_per_file: 2 }\n"

    /// The invoice ids in every file of `Outbox/NAME/`, in file order.
    func invoiceIDs(_ root: TemporaryRoot, writer: String) throws -> [String] {
        let dir = root.outbox + "/" + writer
        return try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".jsonl") }.sorted().flatMap { name in
            try XCTUnwrap(JournalWriter.lines(of: dir + "/" + name)).map(\.invoiceID)
        }
    }

    func approve(_ root: TemporaryRoot, _ id: String) throws { try root.bilagSucceeding(TemporaryRoot.approval(id)) }

    func testEveryWriterWritesEachBookingOnceAcrossALostStoreAndItsRebuild() throws {
        let root = try TemporaryRoot()
        let ids = try root.queuedInvoices(5, prefix: "R", config: config)
        let backup = root.path + "/before-approvals.sqlite"
        try Store(path: root.databasePath).backup(to: backup)
        for id in ids.prefix(3) { try approve(root, id) }
        XCTAssertEqual(try invoiceIDs(root, writer: "copy"), Array(ids.prefix(3)))
        let manifests = try FileManager.default.contentsOfDirectory(atPath: root.outbox + "/manifests/copy").filter { $0.hasSuffix(".manifest.json") }
        XCTAssertEqual(manifests.count, 3)

        // The store is restored from before the approvals: the check names the second writer's files too.
        for suffix in ["-wal", "-shm"] { unlink(root.databasePath + suffix) }
        XCTAssertEqual(rename(backup, root.databasePath), 0)
        let check = try root.bilag(["store", "check", "--json"]).jsonObject()
        XCTAssertTrue((check["findings"] as? [String] ?? []).contains { $0.contains("copy (Outbox writer)") }, "\(check)")
        XCTAssertEqual(try root.bilag(["store", "rebuild", "--yes"]).exitCode, 0)
        XCTAssertEqual(try root.bilag(["store", "check"]).exitCode, 0)

        // A booking after the rebuild reaches both writers once; nothing booked before is written again.
        let queued = try XCTUnwrap(try Store(path: root.databasePath).invoices(limit: 100).first { $0.state == .manual }?.id)
        try approve(root, queued)
        try root.bilagSucceeding(["run", "--once"])
        let copy = try invoiceIDs(root, writer: "copy")
        XCTAssertEqual(copy, Array(ids.prefix(3)) + [queued], "the second writer after the rebuild")
        XCTAssertEqual(try root.journal().invoiceIDs.sorted(), copy.sorted())
    }
}
