@testable import BilagRobots
import BilagCore
import BilagRobotLanguage
import Foundation
import XCTest

/// The `files` connector finds records by index and applies write-backs as they arrive; it must answer exactly as a
/// scan of every record with every update applied would.
final class FilesConnectorIndexTests: XCTestCase {
    /// Over random records and parameters (texts with spaces, numbers, nulls, missing fields), the index finds the
    /// same records as comparing each record with `Table.same`.
    func testIndexAnswersAsAScanWould() {
        var rng = SystemRandomNumberGenerator()
        let texts: [Value] = [.string("A"), .string(" A "), .string("B"), .string("10"), .string("10.0"), .number(Amount(10)), .null, .bool(true)]
        for _ in 0..<200 {
            let records: [[String: Value]] = (0..<40).map { _ in
                var r: [String: Value] = [:]
                for f in ["x", "y"] where Int.random(in: 0..<5, using: &rng) > 0 { r[f] = texts.randomElement(using: &rng)! }
                return r
            }
            var index = RecordIndex(records)
            for _ in 0..<10 {
                var params: [String: Value] = [:]
                for f in ["x", "y"] where Bool.random(using: &rng) { params[f] = texts.randomElement(using: &rng)! }
                let scanned = records.indices.filter { i in params.allSatisfy { Table.same(records[i][$0.key] ?? .null, $0.value) } }
                XCTAssertEqual(index.indices(params), scanned, "\(params)")
            }
        }
    }

    /// Write-backs sent in one go are appended once per idempotency key, with one sync, and lookups see each of them
    /// exactly as if every update had been applied to the file's records afresh.
    func testUpdatesSentTogetherAreSeenOnceEachAndIncrementally() throws {
        let dir = NSTemporaryDirectory() + "bilag-files-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let orders = (0..<300).map { "{\"id\": \"O-\($0)\", \"status\": \"open\", \"cpr\": \"01019\($0 % 10)1234\"}" }
        try ("[" + orders.joined(separator: ",") + "]").write(toFile: dir + "/orders.json", atomically: true, encoding: .utf8)
        let c = FilesConnector(name: "health", folder: dir, actions: ["mark-invoiced": .init(query: "orders", match: ["id": "order"], set: ["status": "=invoiced"])])
        func update(_ n: Int) -> CaseUpdate {
            CaseUpdate(connector: "health", action: "mark-invoiced", params: ["order": .string("O-\(n)")], idempotencyKey: "inv-\(n)/mark-invoiced", invoiceID: "inv-\(n)")
        }
        XCTAssertEqual(try c.lookup(query: "orders", params: ["status": .string("open")]).count, 300)
        try c.send(all: [update(1), update(2), update(1)])
        try c.send(all: (0..<50).map(update))
        let lines = try String(contentsOfFile: dir + "/updates.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 50, "each key once")
        XCTAssertEqual(try c.lookup(query: "orders", params: ["status": .string("open")]).count, 250)
        XCTAssertEqual(try c.lookup(query: "orders", params: ["id": .string("O-7")]).first?["status"], .string("invoiced"))
        XCTAssertEqual(try c.lookup(query: "orders", params: ["id": .string(" O-70 ")]).first?["status"], .string("open"))
        // Another process's connector (a fresh one) sees the same.
        let fresh = FilesConnector(name: "health", folder: dir, actions: c.actions)
        XCTAssertEqual(try fresh.lookup(query: "orders", params: ["status": .string("invoiced")]).map { $0["id"] }, (0..<50).map { .string("O-\($0)") })
        // A replay ignores one invoice's own update.
        XCTAssertEqual(try c.lookup(query: "orders", params: ["id": .string("O-7")], ignoringUpdatesOf: "inv-7").first?["status"], .string("open"))
    }
}
