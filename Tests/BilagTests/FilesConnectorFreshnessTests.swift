@testable import BilagRobots
import BilagCore
import BilagRobotLanguage
import Foundation
import XCTest

/// The `files` connector looks at its files (a `stat` of the query's file, a read of what was appended to the updates
/// file) once between `mayHaveChanged` calls (the pipeline calls it between batches and passes), not at every lookup;
/// what this process sends is seen at once, and a file rewritten with the same modification time is read again.
final class FilesConnectorFreshnessTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "bilag-files-fresh-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func orders(_ status: String, count: Int = 3) throws {
        let rows = (0..<count).map { "{\"id\": \"O-\($0)\", \"status\": \"\(status)\"}" }
        try ("[" + rows.joined(separator: ",") + "]").write(toFile: dir + "/orders.json", atomically: true, encoding: .utf8)
    }

    static let actions: [String: FilesConnector.ActionMapping] = ["mark-invoiced": .init(query: "orders", match: ["id": "order"], set: ["status": "=invoiced"])]

    func status(_ c: FilesConnector, _ id: String) throws -> Value? {
        try c.lookup(query: "orders", params: ["id": .string(id)]).first?["status"]
    }

    func testAnotherProcesssChangesAreSeenAfterMayHaveChangedAndOwnSendsAtOnce() throws {
        try orders("open")
        let c = FilesConnector(name: "health", folder: dir, actions: Self.actions)
        XCTAssertEqual(try status(c, "O-0"), .string("open"))
        // Another process marks O-1 invoiced (its own connector appends to updates.jsonl) and cancels O-2 in the file.
        let other = FilesConnector(name: "health", folder: dir, actions: Self.actions)
        try other.send(CaseUpdate(connector: "health", action: "mark-invoiced", params: ["order": .string("O-1")], idempotencyKey: "k1", invoiceID: "inv-1"))
        var rows = (0..<3).map { "{\"id\": \"O-\($0)\", \"status\": \"open\"}" }
        rows[2] = "{\"id\": \"O-2\", \"status\": \"cancelled\", \"note\": \"changed by the case worker\"}"
        try ("[" + rows.joined(separator: ",") + "]").write(toFile: dir + "/orders.json", atomically: true, encoding: .utf8)
        XCTAssertEqual(try status(c, "O-1"), .string("open"), "within a batch the files are not looked at again")
        XCTAssertEqual(try status(c, "O-2"), .string("open"))
        c.mayHaveChanged()
        XCTAssertEqual(try status(c, "O-1"), .string("invoiced"))
        XCTAssertEqual(try status(c, "O-2"), .string("cancelled"))
        // What this process sends is seen by its next lookup, batch or not.
        try c.send(CaseUpdate(connector: "health", action: "mark-invoiced", params: ["order": .string("O-0")], idempotencyKey: "k0", invoiceID: "inv-0"))
        XCTAssertEqual(try status(c, "O-0"), .string("invoiced"))
    }

    func testAFileRewrittenWithTheSameModificationTimeIsReadAgainWhenItsSizeChanged() throws {
        try orders("open")
        let stamp = Date(timeIntervalSince1970: 1_790_000_000)
        try FileManager.default.setAttributes([.modificationDate: stamp], ofItemAtPath: dir + "/orders.json")
        let c = FilesConnector(name: "health", folder: dir)
        XCTAssertEqual(try c.lookup(query: "orders", params: [:]).count, 3)
        try orders("open", count: 5)
        try FileManager.default.setAttributes([.modificationDate: stamp], ofItemAtPath: dir + "/orders.json")
        c.mayHaveChanged()
        XCTAssertEqual(try c.lookup(query: "orders", params: [:]).count, 5)
        XCTAssertEqual(try status(c, "O-4"), .string("open"))
    }
}
