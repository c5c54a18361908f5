import BilagBench
import BilagCore
import BilagEngine
import BilagRobotLanguage
import BilagRobots
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// Lookups off the commit path (issue 18): an invoice's lookups to a case system over HTTP are asked ahead, while many
/// other invoices' are, and the committing thread decides in business order with their answers.
final class LookupsAheadTests: XCTestCase {
    typealias S = RobotScenarioTests

    var cleanup: [String] = []
    override func tearDown() { for f in cleanup { try? FileManager.default.removeItem(atPath: f) } }

    func server() throws -> CaseSystemServer {
        try CaseSystemServer.onShippedCaseData(cleanup: &cleanup)
    }

    /// The generated month (rent history from the month before, plans, medical orders, ordinary invoices) decided
    /// against a slow case system over HTTP gives every invoice the outcome it gets against the embedded `files`
    /// connector, while the case system sees many lookups at once and never more than `max_in_flight` per connector.
    func testAMonthAgainstASlowCaseSystemDecidesAsWithFilesWithManyLookupsAtOnce() throws {
        let viaFiles = try TouchlessBench(count: 400, seed: 7, repository: RobotWorld.repo).run()
        let viaHTTP = try TouchlessBench(count: 400, seed: 7, repository: RobotWorld.repo, caseSystem: .init(delayMilliseconds: 60, maxInFlight: 12)).run()
        XCTAssertEqual(viaHTTP.asExpected, viaHTTP.invoices, viaHTTP.mismatches.joined(separator: "\n"))
        XCTAssertEqual(viaHTTP.byKind, viaFiles.byKind)
        let cs = try XCTUnwrap(viaHTTP.caseSystem)
        XCTAssertGreaterThan(cs.lookups, 150)
        // Asked together: on the committing thread one at a time, the case system would never see two at once.
        XCTAssertGreaterThanOrEqual(cs.peakInFlight, 8, "the case system saw at most \(cs.peakInFlight) lookups at once")
        for (name, peak) in cs.peakInFlightByConnector { XCTAssertLessThanOrEqual(peak, 12, "\(name) exceeded max_in_flight") }
        // Kept alive: lookups and write-backs of the whole month over at most max_in_flight connections a connector.
        XCTAssertLessThanOrEqual(cs.connections, 2 * 12, "connections were opened again")
        XCTAssertNotNil(cs.serverCPUSeconds, "the case system's CPU is reported beside bilag's")
    }

    /// Business order, not the order answers come back in: two invoices for the same order, issued the same day, are
    /// decided in claim order even when the first one's lookup is answered last. The first is booked, the second is
    /// the order's second invoice — as against `files` — and both lookups were in flight together.
    func testAnswersComingBackOutOfOrderDoNotChangeTheDecisionOrder() throws {
        let s = try server()
        let w = try RobotWorld(connectors: s.connectorsYAML())
        try s.delay(0.3)
        try s.faults(["hang:1"])   // the first request to arrive (the first invoice's) answers a second later
        let pair = [("a-first", S.med("M1", note: "CPR 010190-1234", amount: "405.00")), ("b-second", S.med("M2", note: "CPR 010190-1234", amount: "405.00"))]
        let viaHTTP = try w.run(pair)
        let files = try RobotWorld()
        let viaFiles = try files.run(pair)
        XCTAssertEqual(viaHTTP["a-first"]?.state, .booked)
        XCTAssertEqual(viaHTTP["b-second"]?.reason, "order-already-invoiced")
        XCTAssertEqual(viaHTTP.mapValues { "\($0.state) \($0.reason ?? "-")" }, viaFiles.mapValues { "\($0.state) \($0.reason ?? "-")" })
        XCTAssertEqual(s.peakInFlight, 2, "both lookups were asked at once")
    }

    /// A case system that is down while lookups are asked ahead: the invoice waits, visibly, as before.
    func testALookupAskedAheadThatFailsMakesTheInvoiceWait() throws {
        let s = try server()
        let w = try RobotWorld(connectors: s.connectorsYAML())
        try s.faults(["503", "503", "503", "503"])
        let got = try w.run([("m1", S.med("M1", note: "CPR 010190-1234", amount: "405.00"))])
        XCTAssertEqual(got["m1"]?.state, .received)
        XCTAssertEqual(got["m1"]?.reason, "waiting-for-health")
        XCTAssertTrue(try w.record("m1").reasonMessage?.contains("HTTP 503") == true)
    }

    /// A case system whose order changes once it is invoiced, counting the lookups it answers.
    final class OrderSystem: AsyncConnector, @unchecked Sendable {
        let name = "health"
        private let lock = NSLock()
        private var invoiced: Set<String> = []
        private(set) var lookups = 0
        func lookup(query: String, params: [String: Value]) throws -> [[String: Value]] { answer(params) }
        func lookup(query: String, params: [String: Value]) async throws -> [[String: Value]] { answer(params) }
        func answer(_ params: [String: Value]) -> [[String: Value]] {
            lock.lock(); defer { lock.unlock() }
            lookups += 1
            guard case let .string(id)? = params["id"] else { return [] }
            return [["id": .string(id), "status": .string(invoiced.contains(id) ? "invoiced" : "open")]]
        }
        func send(_ update: CaseUpdate) throws { mark(update) }
        func send(_ update: CaseUpdate) async throws { mark(update) }
        func mark(_ update: CaseUpdate) {
            lock.lock(); defer { lock.unlock() }
            if case let .string(id)? = update.params["order_id"] { invoiced.insert(id) }
        }
    }

    /// An answer asked ahead counts at the decision only while no write-back decided since names one of its records:
    /// an order marked invoiced by an earlier booking is asked again and seen as invoiced; another order's answer is
    /// not asked again.
    func testAnAnswerAWriteBackDecidedSinceNamesIsAskedAgainAtTheDecision() throws {
        let system = OrderSystem()
        let written = WriteBackLog()
        let ahead = PrefetchedLookups(written: written)
        let one = PrefetchedLookups.Key(connector: "health", query: "orders", params: ["id": .string("ORD-1")])
        let two = PrefetchedLookups.Key(connector: "health", query: "orders", params: ["id": .string("ORD-2")])
        let fetched = expectation(description: "answers in")
        ahead.fetch([one, two], from: ["health": system]) { fetched.fulfill() }
        wait(for: [fetched], timeout: 10)
        XCTAssertEqual(system.lookups, 2)
        let decision = try XCTUnwrap(ahead.answering(["health": system])["health"])
        XCTAssertEqual(try decision.lookup(query: "orders", params: one.params).first?["status"], .string("open"))
        XCTAssertEqual(system.lookups, 2, "answered from what was asked ahead")
        // An earlier invoice is booked with a write-back marking ORD-1 invoiced, and it is sent.
        let update = CaseUpdate(connector: "health", action: "mark-order-invoiced", params: ["order_id": .string("ORD-1"), "invoice_number": .string("M1")], idempotencyKey: "k", invoiceID: "i1")
        written.note([update])
        try system.send(update)
        XCTAssertEqual(try decision.lookup(query: "orders", params: one.params).first?["status"], .string("invoiced"))
        XCTAssertEqual(system.lookups, 3, "asked again")
        XCTAssertEqual(try decision.lookup(query: "orders", params: two.params).first?["status"], .string("open"))
        XCTAssertEqual(system.lookups, 3, "another order's answer still counts")
        XCTAssertEqual(ahead.askedAtDecision, 1)
    }

    /// Medical invoices, many more than `max_in_flight`, against a slow case system; the daemon is killed with -9
    /// three times while lookups are in flight (after the first batches committed), and restarted. Then every invoice
    /// has exactly one outcome, each order is booked at most once, and each booking's write-back was applied once.
    func testKillNineWhileLookupsAreInFlightLosesNothingAndBooksNothingTwice() throws {
        let s = try server()
        let w = try RobotWorld(connectors: s.connectorsYAML(maxInFlight: 16))
        let cprs = ["010190-1234", "120578-1122"]
        var names: [String] = []
        for i in 0..<240 {
            let name = String(format: "m-%03d", i)
            names.append(name)
            let inv = S.med("K\(i)", cvr: i % 2 == 0 ? "12345607" : "12345615", note: "CPR \(cprs[i % 2])", amount: "405.00", date: String(format: "2026-11-%02d", 1 + i % 20))
            try inv.xml.write(toFile: w.root + "/Inbox/test/\(name).xml", atomically: true, encoding: .utf8)
        }
        try s.delay(0.25, writes: false)
        let bin = try BilagBinary.locate()
        var killedWithManyInFlight = 0
        var committedWhileWaiting = false
        for _ in 0..<3 {
            try s.resetPeak()
            let daemon = try bin.start(["run", "--root", w.root], logDirectory: w.root, label: "daemon")
            let deadline = Date().addingTimeInterval(30)
            // Killed once several lookups are in flight and some invoices are already decided and committed.
            var inFlight = 0, decided = 0
            while Date() < deadline {
                inFlight = s.stats["in_flight"] as? Int ?? 0
                if inFlight >= 4 {
                    decided = try w.store.invoices(limit: 10_000).filter { $0.state != .received }.count
                    if decided > 0 { break }
                }
                Thread.sleep(forTimeInterval: 0.01)
            }
            if inFlight >= 4 { killedWithManyInFlight += 1 }
            if inFlight >= 4 && decided > 0 { committedWhileWaiting = true }
            daemon.kill()
            XCTAssertNotNil(daemon.wait(timeout: 20))
        }
        XCTAssertEqual(killedWithManyInFlight, 3, "each round killed the daemon with several lookups in flight")
        XCTAssertTrue(committedWhileWaiting, "invoices were committed while others waited on the case system")
        try s.delay(0)
        let last = try bin.run(["run", "--once", "--root", w.root], logDirectory: w.root)
        XCTAssertTrue(last.succeeded, last.description)
        let records = try w.store.invoices(limit: 10_000)
        XCTAssertEqual(Set(records.map { (($0.sourcePath as NSString).lastPathComponent as NSString).deletingPathExtension }), Set(names))
        XCTAssertEqual(records.count, names.count, "one record a file")
        XCTAssertFalse(records.contains { $0.state == .received })
        // One order per clinic and citizen: each is booked once, the others are its later invoices.
        let booked = records.filter { $0.state == .booked }
        XCTAssertEqual(booked.count, 1, "\(booked.map(\.sourcePath))")   // the second clinic has no order for its citizen
        XCTAssertEqual(try w.store.pendingCaseUpdates(limit: 100).count, 0)
        XCTAssertEqual(s.applied.count, booked.count)
        XCTAssertTrue(s.applied.values.allSatisfy { $0 == 1 }, "\(s.applied)")
        let check = try bin.run(["store", "check", "--root", w.root], logDirectory: w.root)
        XCTAssertTrue(check.succeeded, check.description)
    }
}
