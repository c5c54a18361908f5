import BilagCore
import BilagEngine
import BilagRobots
import BilagTestKit
import BilagRobotLanguage
import BilagStore
import BilagBench
import Foundation
import XCTest

/// Robot files: refused with file:line:column when broken, the last good version kept; priorities, shadow mode,
/// pauses, replays; and a fourth robot written from docs/robots.md alone.
final class RobotFileTests: XCTestCase {
    let connectors: Set<String> = ["health", "benefits"]

    func load(_ text: String, file: String = "Robots/x.robot.yaml", eans: String = "ean,costcentre\n5798000000117,1100\n") -> Result<Robot, RobotLanguageErrorBox> {
        let dir = NSTemporaryDirectory() + "bilag-robot-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        try? eans.write(toFile: dir + "/data/eans.csv", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try? text.write(toFile: dir + "/x.robot.yaml", atomically: true, encoding: .utf8)
        do { return .success(try RobotLoader(connectors: connectors).load(path: dir + "/x.robot.yaml", displayPath: file)) } catch let e as RobotLanguageError {
            return .failure(RobotLanguageErrorBox(error: e))
        } catch { return .failure(RobotLanguageErrorBox(error: RobotLanguageError(location: SourceLocation(file: file, line: 0, column: 0), message: "\(error)"))) }
    }

    static let good = """
    robot: x
    match: buyer.ean != null
    steps:
      - check: invoice.amount_due > 0
        reason: not-positive
      - book:
          account: "1000"
    """

    func assertRefused(_ text: String, line: Int, column: Int? = nil, containing: String? = nil, file: StaticString = #filePath, at: UInt = #line) {
        switch load(text) {
        case .success: XCTFail("loaded a broken robot", file: file, line: at)
        case let .failure(box):
            let e = box.error
            XCTAssertEqual(e.location.line, line, "\(e)", file: file, line: at)
            if let column { XCTAssertEqual(e.location.column, column, "\(e)", file: file, line: at) }
            if let containing { XCTAssertTrue(e.description.contains(containing), "\(e)", file: file, line: at) }
            XCTAssertTrue(e.description.hasPrefix("Robots/x.robot.yaml:\(line):"), e.description, file: file, line: at)
        }
    }

    /// A table row with a field too many (a separator in an unquoted value), one left out, or a quote never closed is
    /// refused with its line — never loaded with its values shifted, filled with nothing or dropped; a spreadsheet's
    /// empty trailing fields are fine.
    func testARaggedTableRowIsRefusedWithItsLine() throws {
        let robot = """
        robot: x
        tables:
          eans:
            file: data/eans.csv
            columns: { ean: string, costcentre: string }
        match: buyer.ean in eans.ean
        steps:
          - book:
              account: "1000"
        """
        let cases: [(csv: String, message: String?)] = [
            ("ean,costcentre\n5798000000117,1100\n5798000000124,1100,Jobcenter, Nord\n", "line 3 has 4 field(s), the header 2"),
            ("ean,costcentre\n5798000000117\n", "line 2 has 1 field(s), the header 2"),
            ("ean,costcentre\n5798000000117,1100\n\"5798000000124,1100\n5798000000131,1100\n", "line 3: a quote (\") is opened and never closed"),
            ("ean,costcentre\n5798000000117,1100,,\n5798000000124,\"1100\"\n", nil),
        ]
        for (csv, message) in cases {
            switch load(robot, eans: csv) {
            case let .success(r):
                XCTAssertNil(message, "loaded \(csv)")
                XCTAssertEqual(r.tables["eans"]?.rows.count, 2)
            case let .failure(box):
                guard let message else { XCTFail("\(box.error)"); continue }
                XCTAssertTrue(box.error.description.contains("table eans: Robots/data/eans.csv " + message) || box.error.description.contains("eans.csv " + message), "\(box.error)")
            }
        }
        // The same reader takes the payee accounts, plans and case-data files: refused there alike.
        XCTAssertThrowsError(try CSV.records("cvr,iban\n12345678,DK50 0040 0440, 116243\n", file: "accounts.csv")) { error in
            XCTAssertEqual("\(error)", "accounts.csv line 2 has 3 field(s), the header 2 (cvr, iban); a value holding the separator must be quoted, and every row needs every column (empty if it has no value)")
        }
    }

    func testGoodRobotLoads() throws {
        guard case let .success(r) = load(Self.good) else { return XCTFail("did not load") }
        XCTAssertEqual(r.name, "x")
        XCTAssertEqual(r.hash.count, 64)
    }

    func testSyntaxErrorIsRefusedWithLineAndColumn() {
        assertRefused(Self.good.replacingOccurrences(of: "invoice.amount_due > 0", with: "invoice.amount_due > > 0"), line: 4)
    }

    func testYAMLErrorIsRefusedWithLine() {
        // Reported where the unclosed bracket opens (line 6), not where the reader gave up on it (line 7).
        assertRefused(Self.good.replacingOccurrences(of: "  - book:", with: "  - book: [unclosed"), line: 6, column: 11, containing: "YAML")
    }

    /// A robot file saved as Latin-1 is refused with the line of its first such letter (read as UTF-8 it matched
    /// nothing, silently); one with a UTF-8 byte-order mark (older Windows editors) loads as without it.
    func testAFileInAnotherEncodingIsRefusedAndAByteOrderMarkIsNoContent() throws {
        let text = Self.good.replacingOccurrences(of: "match: buyer.ean != null", with: "match: seller.name == \"Lægehuset Algade\"")
        let latin1 = try XCTUnwrap(text.data(using: .isoLatin1))
        XCTAssertThrowsError(try RobotLoader(connectors: connectors).load(data: latin1, path: "/x.robot.yaml", displayPath: "Robots/x.robot.yaml")) { error in
            let e = error as? RobotLanguageError
            XCTAssertEqual(e?.location.line, 2, "\(error)")
            XCTAssertTrue(e?.message.contains("not UTF-8") == true && e?.message.contains("save it as UTF-8") == true, "\(error)")
        }
        let bom = Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
        let robot = try RobotLoader(connectors: connectors).load(data: bom, path: "/x.robot.yaml", displayPath: "Robots/x.robot.yaml")
        XCTAssertEqual(robot.name, "x")
    }

    func testUnknownFieldIsRefused() {
        assertRefused(Self.good.replacingOccurrences(of: "    reason: not-positive", with: "    reason: not-positive\n    reasn: typo"), line: 6, column: 5, containing: "unknown field 'reasn'")
    }

    func testUnknownInvoiceFieldIsRefused() {
        assertRefused(Self.good.replacingOccurrences(of: "invoice.amount_due > 0", with: "invoice.amount_dew > 0"), line: 4, containing: "amount_dew")
    }

    func testTypeErrorIsRefused() {
        assertRefused(Self.good.replacingOccurrences(of: "invoice.amount_due > 0", with: "invoice.issue_date > 100"), line: 4)
    }

    func testCheckThatIsNoConditionIsRefused() {
        assertRefused(Self.good.replacingOccurrences(of: "invoice.amount_due > 0", with: "invoice.amount_due + 1"), line: 4, containing: "condition")
    }

    func testUnknownConnectorIsRefused() {
        let text = Self.good.replacingOccurrences(of: "  - book:", with: """
          - lookup: thing
            connector: erp
            query: things
            fields: { id: string }
            none: { reason: no-thing }
          - book:
        """)
        assertRefused(text, line: 7, containing: "no connector named 'erp'")
    }

    /// A temporary robots folder holding `good` as `x.robot.yaml`, and a catalog of it (nothing loaded yet).
    func folderWithGoodRobot() throws -> (String, RobotCatalog) {
        let dir = NSTemporaryDirectory() + "bilag-catalog-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Self.good.write(toFile: dir + "/x.robot.yaml", atomically: true, encoding: .utf8)
        return (dir, RobotCatalog(folder: dir, connectors: connectors))
    }

    func testBrokenNewVersionKeepsTheLastGoodOneActive() throws {
        let (dir, catalog) = try folderWithGoodRobot()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        catalog.reload(force: true)
        let before = try XCTUnwrap(catalog.robots.first)
        Thread.sleep(forTimeInterval: 0.01)
        try Self.good.replacingOccurrences(of: "> 0", with: "> ").write(toFile: dir + "/x.robot.yaml", atomically: true, encoding: .utf8)
        // (Reloads as the daemon's: once the folder has been left alone for `settleSeconds`.)
        catalog.reload(now: Date().addingTimeInterval(catalog.settleSeconds + 1))
        XCTAssertEqual(catalog.robots.first?.hash, before.hash, "the last good version stays active")
        XCTAssertEqual(catalog.loadErrors.count, 1)
        try Self.good.replacingOccurrences(of: "> 0", with: ">= 0").write(toFile: dir + "/x.robot.yaml", atomically: true, encoding: .utf8)
        catalog.reload(now: Date().addingTimeInterval(catalog.settleSeconds + 1))
        XCTAssertNotEqual(catalog.robots.first?.hash, before.hash)
        XCTAssertTrue(catalog.loadErrors.isEmpty)
    }

    /// A change is loaded by the daemon's reload only once the folder has been left alone for `settleSeconds`: a file
    /// still being written may check half-way. The first load, and a forced one (SIGHUP), do not wait.
    func testAChangeIsLoadedOnlyOnceTheFolderHasSettled() throws {
        let (dir, catalog) = try folderWithGoodRobot()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        XCTAssertEqual(catalog.reload().count, 1, "the first load does not wait")
        let before = try XCTUnwrap(catalog.robots.first)
        try Self.good.replacingOccurrences(of: "> 0", with: ">= 0").write(toFile: dir + "/x.robot.yaml", atomically: true, encoding: .utf8)
        XCTAssertTrue(catalog.reload().isEmpty, "loaded while it may still be written")
        XCTAssertEqual(catalog.robots.first?.hash, before.hash)
        XCTAssertEqual(catalog.reload(now: Date().addingTimeInterval(catalog.settleSeconds + 1)).count, 1)
        XCTAssertNotEqual(catalog.robots.first?.hash, before.hash)
        try Self.good.write(toFile: dir + "/x.robot.yaml", atomically: true, encoding: .utf8)
        XCTAssertEqual(catalog.reload(force: true).count, 1, "a forced reload does not wait")
        XCTAssertEqual(catalog.robots.first?.hash, before.hash)
    }

    /// Two files naming one robot: the file that ran it keeps it (a staged copy never runs beside it or takes it
    /// over), else the file named after it; the other is refused with the clash, and `robots check` says so.
    func testTwoFilesNamingOneRobotRunOneAndTheOtherIsRefused() throws {
        let (dir, catalog) = try folderWithGoodRobot()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        catalog.reload(force: true)
        let live = try XCTUnwrap(catalog.robots.first)
        // A copy to stage a change ("a-" sorts first), in shadow mode, its name not changed yet.
        try Self.good.replacingOccurrences(of: "> 0", with: ">= 0").replacingOccurrences(of: "robot: x\n", with: "robot: x\nmode: shadow\n")
            .write(toFile: dir + "/a-x-next.robot.yaml", atomically: true, encoding: .utf8)
        catalog.reload(force: true)
        XCTAssertEqual(catalog.robots.map(\.hash), [live.hash], "the robot runs alone, as it was")
        XCTAssertEqual(catalog.loadErrors.keys.map { ($0 as NSString).lastPathComponent }, ["a-x-next.robot.yaml"])
        XCTAssertTrue(catalog.loadErrors.values.first?.message.contains("robot name 'x' is used by Robots/x.robot.yaml too") == true, "\(catalog.loadErrors)")
        // Another process (robots check) prefers the file named after the robot, and reports the clash.
        let (ok, errors) = RobotCatalog(folder: dir, connectors: connectors).checkAll()
        XCTAssertEqual(ok.map(\.hash), [live.hash])
        XCTAssertEqual(errors.map(\.location.file), ["Robots/a-x-next.robot.yaml"])
    }

    /// The robots in force (kept, not worked out at each ask) follow every reload: a new priority reorders them,
    /// `mode: off` takes one out, switching it on again and removing a file are seen at the next reload.
    func testRobotsInForceFollowPriorityModeAndRemovalAcrossReloads() throws {
        let dir = NSTemporaryDirectory() + "bilag-catalog-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func write(_ name: String, priority: Int, mode: String = "live") throws {
            try Self.good.replacingOccurrences(of: "robot: x\n", with: "robot: \(name)\npriority: \(priority)\nmode: \(mode)\n")
                .write(toFile: "\(dir)/\(name).robot.yaml", atomically: true, encoding: .utf8)
        }
        try write("a", priority: 1); try write("b", priority: 2); try write("c", priority: 2)
        let catalog = RobotCatalog(folder: dir, connectors: connectors)
        catalog.reload(force: true)
        XCTAssertEqual(catalog.robots.map(\.name), ["c", "b", "a"])
        try write("a", priority: 9)
        catalog.reload(force: true)
        XCTAssertEqual(catalog.robots.map(\.name), ["a", "c", "b"])
        try write("c", priority: 2, mode: "off")
        catalog.reload(force: true)
        XCTAssertEqual(catalog.robots.map(\.name), ["a", "b"])
        try write("c", priority: 2, mode: "shadow")
        try FileManager.default.removeItem(atPath: dir + "/a.robot.yaml")
        catalog.reload(force: true)
        XCTAssertEqual(catalog.robots.map(\.name), ["c", "b"])
        XCTAssertEqual(catalog.robots.map(\.mode), [.shadow, .live])
    }

    func testShippedRobotsAllLoad() throws {
        let repository = try ShippedRobots.repositoryCopy()
        defer { try? FileManager.default.removeItem(atPath: repository) }
        let config = try ConfigLoader.load(root: repository, environment: [:])
        let (ok, errors) = RobotCatalog(folder: config.robotsPath, connectors: Set(config.connectors.keys)).checkAll()
        XCTAssertEqual(errors.map(\.description), [])
        XCTAssertEqual(Set(ok.map(\.name)), ShippedRobots.names)
    }

    /// An operator adds robots to the live `Robots/` (a working one and a broken one): the tests' fixtures still
    /// hold the shipped robots only, so what the tests load and decide is unchanged.
    func testARobotAddedToTheLiveFolderChangesNoFixture() throws {
        let live = try ShippedRobots.repositoryCopy(from: RobotWorld.repo)
        defer { try? FileManager.default.removeItem(atPath: live) }
        // Catches every invoice first and sends it to manual: any fixture that took it would decide differently.
        try Self.good.replacingOccurrences(of: "robot: x\n", with: "robot: catch-all\npriority: 1000\n").write(toFile: live + "/Robots/catch-all.robot.yaml", atomically: true, encoding: .utf8)
        try "robot: broken\nsteps: [".write(toFile: live + "/Robots/broken.robot.yaml", atomically: true, encoding: .utf8)
        XCTAssertEqual(RobotCatalog(folder: live + "/Robots", connectors: []).files().count, ShippedRobots.files.count + 2)

        let fixture = try ShippedRobots.repositoryCopy(from: live)
        defer { try? FileManager.default.removeItem(atPath: fixture) }
        let config = try ConfigLoader.load(root: fixture, environment: [:])
        let (ok, errors) = RobotCatalog(folder: config.robotsPath, connectors: Set(config.connectors.keys)).checkAll()
        XCTAssertEqual(errors.map(\.description), [])
        XCTAssertEqual(Set(ok.map(\.name)), ShippedRobots.names)

        let w = try RobotWorld(repository: live)
        var inv = ScenarioInvoice()
        inv.number = "X1"; inv.note = "CPR 120578-1122"; inv.amount("1400.00", vat: "0")
        XCTAssertEqual(try w.run([("x1", inv)])["x1"]?.reason, "amount-outside-tariff", "decided by the shipped robots alone")
        XCTAssertEqual(Set(try XCTUnwrap(w.pipeline.decider as? RobotDecider).catalog.robots.map(\.name)), ShippedRobots.names)
    }

    /// No test reads the package's live `Robots/` folder (or hands the package root to something that does): they
    /// take the shipped robots through `ShippedRobots`.
    func testNoTestReadsTheLiveRobotsFolder() throws {
        let folder = Corpus.packageRoot + "/Tests/BilagTests"
        var live: [String] = []
        for root in ["RobotWorld.repo", "Self.repo", "Corpus.packageRoot"] {
            live += [root + " + \"/Robots", "ConfigLoader.load(root: " + root, "TouchlessBench(count: 300, seed: 7, repository: " + root]
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".swift") && file != "RobotFileTests.swift" {
            let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            for pattern in live where text.contains(pattern) {
                XCTFail("\(file) reads the live Robots/ folder (`\(pattern)`); copy the shipped robots with ShippedRobots")
            }
        }
    }

    /// The example robot of docs/robots.md, copied from the guide as it stands, run on invoices.
    func testFourthRobotFromTheGuide() throws {
        let guide = try String(contentsOfFile: RobotWorld.repo + "/docs/robots.md", encoding: .utf8)
        let start = try XCTUnwrap(guide.range(of: "```yaml\nrobot: institution-orders"))
        let body = guide[start.upperBound...]
        let end = try XCTUnwrap(body.range(of: "```"))
        let robot = "robot: institution-orders" + body[..<end.lowerBound]
        let w = try RobotWorld(robots: ["institution-orders.robot.yaml": robot])
        try FileManager.default.createDirectory(atPath: w.root + "/Robots/data", withIntermediateDirectories: true)
        try "ean,costcentre\n5798000000124,3120\n".write(toFile: w.root + "/Robots/data/school-eans.csv", atomically: true, encoding: .utf8)
        try w.open()
        func school(_ n: String, order: String?) -> ScenarioInvoice {
            var i = ScenarioInvoice(); i.number = n; i.sellerCVR = "12345682"; i.buyerEAN = "5798000000124"; i.orderReference = order; i.amount("1000.00", vat: "25"); return i
        }
        let got = try w.run([("s-ok", school("S1", order: "CC-3120-77")), ("s-none", school("S2", order: nil)), ("s-bad", school("S3", order: "PO-1"))])
        assertOutcomes(got, ["s-ok": "booked", "s-none": "missing-order-reference", "s-bad": "no-cost-centre"])
        let journal = try FileManager.default.contentsOfDirectory(atPath: w.root + "/Outbox/journal").filter { $0.hasSuffix(".jsonl") }
            .map { try String(contentsOfFile: w.root + "/Outbox/journal/" + $0, encoding: .utf8) }.joined()
        XCTAssertTrue(journal.contains("\"costcentre\":\"3120\""), journal)
    }

    func testTiedPriorityIsAmbiguousAndHigherPriorityWins() throws {
        let a = "robot: a\npriority: 5\nmatch: seller.cvr == \"12345682\"\nsteps:\n  - book:\n      account: \"4001\"\n      dimensions: { costcentre: \"1100\" }\n      vat_code: \"I25\"\n"
        let b = "robot: b\npriority: 5\nmatch: seller.cvr == \"12345682\"\nsteps:\n  - book:\n      account: \"4002\"\n      dimensions: { costcentre: \"1100\" }\n      vat_code: \"I25\"\n"
        let w = try RobotWorld(robots: ["a.robot.yaml": a, "b.robot.yaml": b], shipRobots: false)
        var i = ScenarioInvoice(); i.sellerCVR = "12345682"; i.buyerEAN = "5798000000209"; i.amount("100.00", vat: "25")
        XCTAssertEqual(try w.run([("tie", i)])["tie"]?.reason, "ambiguous-robot")
        try b.replacingOccurrences(of: "priority: 5", with: "priority: 6").write(toFile: w.root + "/Robots/b.robot.yaml", atomically: true, encoding: .utf8)
        try w.open()
        i.number = "S-2"
        XCTAssertEqual(try w.run([("win", i)])["win"]?.state, .booked)
        XCTAssertTrue(try w.record("win").decidedBy?.hasPrefix("robot:b@") == true)
    }

    func testShadowRobotDecidesAndRecordsButActsOnNothing() throws {
        let shadow = "robot: s\nmode: shadow\nmatch: seller.cvr == \"12345682\"\nsteps:\n  - book:\n      account: \"4009\"\n      dimensions: { costcentre: \"1100\" }\n      vat_code: \"I25\"\n"
        let w = try RobotWorld(robots: ["s.robot.yaml": shadow], shipRobots: false)
        var i = ScenarioInvoice(); i.sellerCVR = "12345682"; i.buyerEAN = "5798000000209"; i.amount("100.00", vat: "25")
        let got = try w.run([("sh", i)])
        XCTAssertEqual(got["sh"]?.reason, "no-robot")
        let ds = try w.store.decisions(invoice: try w.record("sh").id)
        XCTAssertEqual(ds.map(\.mode), ["shadow"])
        XCTAssertEqual(ds.first?.outcome, "book")
    }

    func testDeviationJumpPausesTheRobot() throws {
        let robot = "robot: p\nmatch: seller.cvr == \"12345682\"\nsteps:\n  - check: invoice.amount_due < 1000\n    reason: too-much\n  - book:\n      account: \"4001\"\n      dimensions: { costcentre: \"1100\" }\n      vat_code: \"I25\"\n"
        let w = try RobotWorld(robots: ["p.robot.yaml": robot], shipRobots: false)
        func inv(_ n: Int, _ amount: String) -> (String, ScenarioInvoice) {
            var i = ScenarioInvoice(); i.number = "P-\(n)"; i.sellerCVR = "12345682"; i.buyerEAN = "5798000000209"; i.amount(amount, vat: "0"); return ("p\(n)", i)
        }
        _ = try w.run((0..<80).map { inv($0, "100.00") })
        let got = try w.run((80..<120).map { inv($0, "5000.00") })
        let reasons = (80..<120).compactMap { got["p\($0)"]?.reason }
        XCTAssertTrue(reasons.contains("too-much"))
        XCTAssertTrue(reasons.contains("robot-paused"), "\(reasons)")
        XCTAssertNotNil(try w.store.pausedRobots()["p"])
    }
}

/// Wraps the error so Result can carry it.
struct RobotLanguageErrorBox: Error { let error: RobotLanguageError }
