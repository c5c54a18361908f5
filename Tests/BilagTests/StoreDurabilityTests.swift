@testable import BilagStore
import Foundation
import XCTest

/// What a commit promises: once `recordClaims` or `apply` returns, a power cut does not take it back.
final class StoreDurabilityTests: XCTestCase {
    func testTheWriterSyncsTheLogAtEveryCommit() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bilag-durability-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A new file (the pool switches it to WAL) and an existing one (already WAL).
        for _ in 0..<2 {
            let store = try Store(path: dir + "/bilag.sqlite")
            XCTAssertEqual(try store.writerPragma("synchronous"), 2, "the writer must commit with synchronous = FULL, not the NORMAL GRDB sets for WAL")
            XCTAssertEqual(try store.writerPragma("cache_size"), -16384, "the writer's cache holds the duplicate indexes (16 MiB), not SQLite's default 2 MiB")
        }
    }

    /// The pipeline records a batch's claims in the transaction of an earlier batch's outcomes (`apply`): they must
    /// be there, with their audit events, text and numbers as given, as when recorded on their own.
    func testClaimsRecordedWithOutcomesAreRecordedOnce() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bilag-durability-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: dir + "/bilag.sqlite")
        let claims = (0..<3).map { i in
            ClaimRecord(id: "20261123-120000-00000\(i)-test", channel: "peppol", sourcePath: i == 0 ? "" : "peppol/æ ø/\"inv\"-\(i).xml", storedPath: "originals/2026-11-23/x\(i).xml", sha256: String(repeating: "ab", count: 32), size: Int64(1 << 40) + Int64(i), receivedAt: "2026-11-23T12:00:00.000Z")
        }
        try store.recordClaims([claims[0]])
        try store.apply([Outcome(invoiceID: claims[0].id, state: .manual, reasonCode: "no-robot", reasonMessage: "no robot", actor: "system", action: "decided")], recording: Array(claims[1...]))
        XCTAssertEqual(try store.invoice(claims[0].id)?.state, .manual)
        // Recording the same claims again (recovery after a crash) changes nothing.
        try store.recordClaims(claims)
        XCTAssertEqual(try store.existingIDs(claims.map(\.id)), Set(claims.map(\.id)))
        for c in claims {
            let r = try XCTUnwrap(try store.invoice(c.id))
            XCTAssertEqual(r.sourcePath, c.sourcePath)
            XCTAssertEqual(r.size, c.size)
            XCTAssertEqual(r.state, c.id == claims[0].id ? .manual : .received)
            XCTAssertEqual(try store.events(c.id).count, c.id == claims[0].id ? 2 : 1, "one claimed event, not one per recording")
        }
    }
}
