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

    /// What this process appends is taken as a read of the file would give it back (numbers and dates as strings), not
    /// read and decoded again: lookups through the writing connector answer exactly as a fresh one reading the file, and
    /// another process's lines appended in between are read from the file all the same.
    func testOwnUpdatesAreSeenAsTheFileGivesThemBack() throws {
        try ("[" + (0..<4).map { "{\"id\": \"O-\($0)\", \"status\": \"open\", \"amount\": \"1.00\", \"on\": \"2026-01-01\", \"lines\": []}" }.joined(separator: ",") + "]").write(toFile: dir + "/orders.json", atomically: true, encoding: .utf8)
        let actions: [String: FilesConnector.ActionMapping] = ["invoice": .init(query: "orders", match: ["id": "order"], set: ["status": "=invoiced", "amount": "amount", "on": "on", "lines": "lines"])]
        let c = FilesConnector(name: "health", folder: dir, actions: actions)
        func update(_ order: String, _ key: String, amount: String) -> CaseUpdate {
            CaseUpdate(connector: "health", action: "invoice", params: ["order": .string(order), "amount": .number(Amount(parsing: amount)!), "on": .date(LocalDate(parsing: "2026-11-30")!),
                                                                  "lines": .list([.number(Amount(parsing: "0.50")!), .record(["at": .date(LocalDate(parsing: "2026-12-01")!), "ok": .bool(true), "x": .null])])],
                       idempotencyKey: key, invoiceID: "inv-" + key)
        }
        XCTAssertEqual(try status(c, "O-0"), .string("open"))
        try c.send(all: [update("O-0", "k0", amount: "1250.50"), update("O-1", "k1", amount: "-0.10")])
        // Another process appends between this process's writes.
        try FilesConnector(name: "health", folder: dir, actions: actions).send(update("O-2", "k2", amount: "7"))
        try c.send(update("O-3", "k3", amount: "100.000"))
        c.mayHaveChanged()
        let fresh = FilesConnector(name: "health", folder: dir, actions: actions)
        for id in ["O-0", "O-1", "O-2", "O-3"] {
            let mine = try c.lookup(query: "orders", params: ["id": .string(id)]), theirs = try fresh.lookup(query: "orders", params: ["id": .string(id)])
            XCTAssertEqual(mine, theirs, id)
            XCTAssertEqual(mine.first?["status"], .string("invoiced"), id)
        }
        XCTAssertEqual(try c.lookup(query: "orders", params: ["id": .string("O-0")]).first?["amount"], .string("1250.50"))
        XCTAssertEqual(try c.lookup(query: "orders", params: ["id": .string("O-0")]).first?["on"], .string("2026-11-30"))
        // Each key once in the file, also when sent again.
        try c.send(all: [update("O-0", "k0", amount: "1250.50"), update("O-2", "k2", amount: "7")])
        let lines = try String(contentsOfFile: dir + "/updates.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 4)
    }

    /// A sender holds the caches' lock only to see what the file holds and to note what it appended, never across its
    /// write and sync: a lookup (the committing thread's) goes on while a sender waits for the disk. Here the updates
    /// file is a pipe the test keeps full, so the sender's write waits until the test reads from it.
    func testALookupDoesNotWaitForASenderWaitingInItsWrite() throws {
        try orders("open")
        let path = dir + "/updates.jsonl"
        XCTAssertEqual(mkfifo(path, 0o644), 0)
        // Both ends held by the test (no open of the pipe waits), then filled until it takes no more.
        let held = open(path, O_RDWR | O_NONBLOCK)
        XCTAssertGreaterThanOrEqual(held, 0)
        defer { close(held) }
        let filler = [UInt8](repeating: 0x0A, count: 4096)
        while write(held, filler, filler.count) > 0 {}
        let c = FilesConnector(name: "health", folder: dir, actions: Self.actions)
        XCTAssertEqual(try status(c, "O-0"), .string("open"))
        let sent = DispatchSemaphore(value: 0), looked = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? c.send(CaseUpdate(connector: "health", action: "mark-invoiced", params: ["order": .string("O-1")], idempotencyKey: "k1", invoiceID: "inv-1"))
            sent.signal()
        }
        Thread.sleep(forTimeInterval: 0.5)   // the sender is in its write by now (were it not, this test could not fail)
        c.mayHaveChanged()
        Thread.detachNewThread {
            if (try? c.lookup(query: "orders", params: ["id": .string("O-2")]).first?["status"]) == .string("open") { looked.signal() }
        }
        XCTAssertEqual(looked.wait(timeout: .now() + 10), .success, "a lookup waited for a sender's write, or answered wrongly")
        // Room in the pipe: the sender's write goes through and it returns.
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let deadline = Date() + 30
        while sent.wait(timeout: .now() + .milliseconds(10)) == .timedOut {
            _ = read(held, &buffer, buffer.count)
            if Date() > deadline { return XCTFail("the sender never returned") }
        }
    }

    /// Senders and lookups on several threads at once: each key is written once, and afterwards the connector answers
    /// as a fresh one reading the files does.
    func testConcurrentSendsAndLookupsWriteEachKeyOnceAndAgreeWithAFreshRead() throws {
        try orders("open", count: 40)
        let c = FilesConnector(name: "health", folder: dir, actions: Self.actions)
        DispatchQueue.concurrentPerform(iterations: 8) { t in
            for i in 0..<40 {
                if t % 2 == 0 {
                    // Two senders per key: the keys overlap between threads 0/2 and 4/6.
                    let n = (i + t / 4 * 20) % 40
                    try? c.send(CaseUpdate(connector: "health", action: "mark-invoiced", params: ["order": .string("O-\(n)")], idempotencyKey: "k\(n)", invoiceID: "inv-\(n)"))
                } else {
                    if i % 8 == 0 { c.mayHaveChanged() }
                    _ = try? c.lookup(query: "orders", params: ["id": .string("O-\((i * 7 + t) % 40)")])
                }
            }
        }
        let lines = try String(contentsOfFile: dir + "/updates.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 40, "each key once")
        c.mayHaveChanged()
        let fresh = FilesConnector(name: "health", folder: dir, actions: Self.actions)
        XCTAssertEqual(try c.lookup(query: "orders", params: [:]), try fresh.lookup(query: "orders", params: [:]))
        XCTAssertEqual(try c.lookup(query: "orders", params: ["status": .string("invoiced")]).count, 40)
    }

    /// The lines of `updates.jsonl` are read as `JSONDecoder` reads each of them, whoever wrote them: bilag's own lines
    /// (taken by the payload reader), another writer's (spaces, numbers, escapes, keys in another order), lines the
    /// decoder refuses (not JSON, a missing field, bytes that are not UTF-8), which are passed over.
    func testUpdatesLinesAreReadAsTheDecoderReadsEachOfThem() throws {
        func mine(_ n: Int, _ params: [String: Value], compensate: String? = nil) throws -> String {
            var u = CaseUpdate(connector: "health", action: "invoice", params: params, idempotencyKey: "k\(n)", invoiceID: "inv-\(n)")
            u.compensate = compensate
            return try XCTUnwrap(u.jsonPayload)
        }
        var lines: [[UInt8]] = [
            Array(try mine(0, ["order": .string("O-0"), "amount": .number(Amount(parsing: "1250.50")!), "on": .date(LocalDate(parsing: "2026-11-30")!)]).utf8),
            Array(try mine(1, ["order": .string("O-1"), "by": .string("Ærø Bolig ApS"), "ok": .bool(true), "none": .null,
                               "lines": .list([.string("a"), .list([]), .record(["x": .string("y")])])], compensate: "reinstate").utf8),
            Array(#"{ "action": "invoice", "connector": "health", "idempotency_key": "k2", "invoice_id": "inv-2", "params": {"order": "O-2", "amount": 12.50} }"#.utf8),
            Array(#"{"params":{"note":"a \"quoted\" \\ text\u00e6","order":"O-3"},"invoice_id":"inv-3","idempotency_key":"k3","connector":"health","action":"invoice"}"#.utf8),
            Array(#"{"action":"invoice","connector":"health","idempotency_key":"k4","invoice_id":"inv-4","params":{"order":"O-4","note":""#.utf8) + [0xC3, 0x28] + Array(#""}}"#.utf8),
            Array(#"{"action":"invoice","connector":"health","invoice_id":"inv-5","params":{"order":"O-5"}}"#.utf8),
            Array("not json".utf8),
            Array(try mine(7, [:]).utf8),
        ]
        lines.append(Array(try mine(8, ["order": .string("O-8")]).utf8))
        let data = Data(lines.joined(separator: [0x0A]) + [0x0A])
        let decoder = JSONDecoder()
        let expected = lines.compactMap { try? decoder.decode(CaseUpdate.self, from: Data($0)) }
        XCTAssertEqual(expected.map(\.idempotencyKey), ["k0", "k1", "k2", "k3", "k7", "k8"])
        XCTAssertEqual(FilesConnector.updates(inLines: data), expected)
        XCTAssertEqual(FilesConnector.updates(inLines: data[data.startIndex...]), expected)
        // Through a connector: the file's lines are what its lookups see.
        try ("[" + (0..<9).map { "{\"id\": \"O-\($0)\", \"status\": \"open\"}" }.joined(separator: ",") + "]").write(toFile: dir + "/orders.json", atomically: true, encoding: .utf8)
        try data.write(to: URL(fileURLWithPath: dir + "/updates.jsonl"))
        let c = FilesConnector(name: "health", folder: dir, actions: ["invoice": .init(query: "orders", match: ["id": "order"], set: ["status": "=invoiced"])])
        for (id, invoiced) in [("O-0", true), ("O-1", true), ("O-2", true), ("O-3", true), ("O-4", false), ("O-5", false), ("O-8", true)] {
            XCTAssertEqual(try status(c, id), .string(invoiced ? "invoiced" : "open"), id)
        }
    }

    /// `Value.jsonRoundTripped` is exactly what encoding and decoding give back.
    func testJSONRoundTrippedValuesAreWhatDecodingGivesBack() throws {
        let values: [Value] = [.null, .bool(false), .string("æøå \"\\ \u{2028}"), .number(Amount(parsing: "-0.005")!), .number(Amount(parsing: "1e3") ?? Amount(1000)),
                               .date(LocalDate(parsing: "2026-02-28")!), .list([]), .record([:]),
                               .record(["a": .list([.number(Amount(parsing: "12.30")!), .string("12.30"), .bool(true)]), "b": .record(["c": .date(LocalDate(parsing: "2027-01-01")!)])])]
        for v in values {
            let back = try JSONDecoder().decode(Value.self, from: JSONEncoder().encode(v))
            XCTAssertEqual(v.jsonRoundTripped, back, "\(v)")
        }
    }
}
