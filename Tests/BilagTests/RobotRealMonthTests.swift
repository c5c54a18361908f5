import BilagCore
import BilagEngine
import BilagRobots
import BilagRobotLanguage
import BilagStore
import BilagBench
import BilagTestKit
import Foundation
import XCTest

/// Issue 16: robots that hold on a real month — declining what is not theirs, pauses that count only kept invoices,
/// data where senders put it, effective-dated tables, open-ended plans, content-addressed versions.
final class RobotRealMonthTests: XCTestCase {
    static let demoPlans = RobotScenarioTests.demoPlans

    func planInvoice(_ n: Int, cvr: String, ean: String, amount: String? = nil) -> ScenarioInvoice {
        var i = ScenarioInvoice()
        i.number = "PL-\(cvr)-\(n)"; i.sellerCVR = cvr; i.sellerName = "Leverandør \(cvr)"; i.buyerEAN = ean
        i.issueDate = "2026-11-\(String(format: "%02d", n % 28 + 1))"
        i.amount(amount ?? "\(1000 + n).00", vat: "25")
        return i
    }

    // MARK: item 1 — decline, and pauses over kept invoices only

    /// A month of plan invoices, then the traffic turns to ordinary supplier invoices without a plan: the plans robot
    /// declines them (they go to `no-robot`, not its `no-plan`), keeps running, and still books plan invoices.
    func testTrafficMixChangesAbruptlyAndThePlansRobotKeepsRunning() throws {
        let w = try RobotWorld()
        try w.addPlans(Self.demoPlans + ["P-LEASE,Leasing,payment-plan,12345690,5798000000209,,,,,,,4700010,costcentre=1100,I25,2026-01-01,2027-12-31,"])
        let planned = try w.run((0..<80).map { ("lease\($0)", planInvoice($0, cvr: "12345690", ean: "5798000000209")) })
        XCTAssertEqual((0..<80).filter { planned["lease\($0)"]?.state == .booked }.count, 80)
        let ordinary = try w.run((0..<40).map { ("other\($0)", planInvoice($0, cvr: "12345682", ean: "5798000000209")) })
        let reasons = (0..<40).map { ordinary["other\($0)"]?.reason ?? "-" }
        XCTAssertEqual(Set(reasons), ["no-robot"], "\(reasons)")
        XCTAssertNil(try w.store.pausedRobots()["payment-plans"])
        let after = try w.run([("lease-after", planInvoice(90, cvr: "12345690", ean: "5798000000209"))])
        XCTAssertEqual(after["lease-after"]?.state, .booked)
        // The decline is recorded with the robot (so an auditor sees who passed it on), but as no deviation of its own.
        let ds = try w.store.decisions(invoice: try w.record("other0").id)
        XCTAssertEqual(ds.map(\.outcome), ["declined"])
        XCTAssertEqual(try w.store.recentOutcomes(robot: "payment-plans", limit: 500).filter { $0 != "book" }, [])
    }

    /// Plans that name the supplier and receiver but do not fit the invoice are still the robot's own deviation.
    func testPlanForThePairThatDoesNotFitIsStillNoPlan() throws {
        let w = try RobotWorld()
        try w.addPlans(Self.demoPlans)
        var i = planInvoice(1, cvr: "12345666", ean: "5798000000117", amount: "8200.00")
        i.note = "Andet målepunkt 571313104400999999"
        XCTAssertEqual(try w.run([("misfit", i)])["misfit"]?.reason, "no-plan")
    }

    /// A `decline:` step passes the invoice to the next robot by priority; `none: decline` on a lookup likewise.
    func testDeclinePassesToTheNextRobot() throws {
        let first = """
        robot: first
        priority: 10
        match: seller.cvr == "12345682"
        steps:
          - decline: "large invoices are not mine ({invoice.amount_due})"
            when: invoice.amount_due > 500
          - lookup: order
            connector: health
            query: orders
            params: { clinic_cvr: seller.cvr }
            fields: { id: string }
            expect: one
            none: decline
          - book:
              account: "4001"
              dimensions: { costcentre: "1100" }
              vat_code: "I25"
        """
        let second = "robot: second\npriority: 5\nmatch: seller.cvr == \"12345682\"\nsteps:\n  - book:\n      account: \"4002\"\n      dimensions: { costcentre: \"1100\" }\n      vat_code: \"I25\"\n"
        let w = try RobotWorld(robots: ["first.robot.yaml": first, "second.robot.yaml": second], shipRobots: false)
        var big = ScenarioInvoice(); big.number = "B-1"; big.sellerCVR = "12345682"; big.buyerEAN = "5798000000209"; big.amount("1000.00", vat: "25")
        var small = big; small.number = "B-2"; small.amount("100.00", vat: "25")
        let got = try w.run([("big", big), ("small", small)])
        XCTAssertEqual(got["big"]?.state, .booked)
        XCTAssertEqual(got["small"]?.state, .booked)
        XCTAssertTrue(try w.record("big").decidedBy?.hasPrefix("robot:second@") == true)
        XCTAssertTrue(try w.record("small").decidedBy?.hasPrefix("robot:second@") == true, "no order from this CVR: declined by the lookup")
        // Alone, a declining robot leaves the invoice to no-robot.
        let alone = try RobotWorld(robots: ["first.robot.yaml": first], shipRobots: false)
        XCTAssertEqual(try alone.run([("big", big)])["big"]?.reason, "no-robot")
    }

    func pauseRobot(_ settings: String) -> String {
        "robot: p\n\(settings)match: seller.cvr == \"12345682\"\nsteps:\n  - check: invoice.amount_due < 1000\n    reason: too-much\n  - check: invoice.amount_due > 1\n    reason: too-little\n  - book:\n      account: \"4001\"\n      dimensions: { costcentre: \"1100\" }\n      vat_code: \"I25\"\n"
    }

    func inv(_ n: Int, _ amount: String) -> (String, ScenarioInvoice) {
        var i = ScenarioInvoice(); i.number = "P-\(n)"; i.sellerCVR = "12345682"; i.buyerEAN = "5798000000209"; i.amount(amount, vat: "0"); return ("p\(n)", i)
    }

    /// The pause window, minimum and thresholds are per robot; a pause names the reason whose rate jumped.
    func testPauseSettingsPerRobotAndThePauseNamesTheReason() throws {
        let w = try RobotWorld(robots: ["p.robot.yaml": pauseRobot("pause: { window: 10, baseline: 30, minimum: 30 }\n")], shipRobots: false)
        _ = try w.run((0..<25).map { inv($0, $0 % 10 == 0 ? "0.50" : "100.00") })
        let got = try w.run((25..<40).map { inv($0, "5000.00") })
        XCTAssertTrue((25..<40).contains { got["p\($0)"]?.reason == "robot-paused" })
        let why = try XCTUnwrap(try w.store.pausedRobots()["p"])
        XCTAssertTrue(why.contains("too-much"), why)
        XCTAssertFalse(why.contains("too-little"), why)

        let off = try RobotWorld(robots: ["p.robot.yaml": pauseRobot("pause: { enabled: false }\n")], shipRobots: false)
        _ = try off.run((0..<80).map { inv($0, "100.00") })
        let all = try off.run((80..<120).map { inv($0, "5000.00") })
        XCTAssertFalse((80..<120).contains { all["p\($0)"]?.reason == "robot-paused" })
        XCTAssertNil(try off.store.pausedRobots()["p"])
    }

    func testPauseSettingsAreChecked() throws {
        let dir = NSTemporaryDirectory() + "bilag-pause-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try pauseRobot("pause: { rate: 150 }\n").write(toFile: dir + "/p.robot.yaml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RobotLoader(connectors: []).load(path: dir + "/p.robot.yaml", displayPath: "Robots/p.robot.yaml")) { e in
            XCTAssertTrue("\(e)".contains("pause.rate"), "\(e)")
        }
        try pauseRobot("").write(toFile: dir + "/p.robot.yaml", atomically: true, encoding: .utf8)
        let r = try RobotLoader(connectors: []).load(path: dir + "/p.robot.yaml", displayPath: "Robots/p.robot.yaml")
        XCTAssertEqual(r.pause, PauseSettings())
        XCTAssertEqual([r.pause.window, r.pause.baseline, r.pause.minimum, r.pause.rate, r.pause.factor, r.pause.points], [20, 200, 70, 50, 3, 30])
    }

    // MARK: item 12 — content-addressed versions

    /// The same robot file and tables give the same version however the path was written.
    func testVersionDoesNotDependOnThePathTheRobotWasLoadedBy() throws {
        let root = NSTemporaryDirectory() + "bilag-hash-" + UUID().uuidString
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/Robots", withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: root) }
        try ShippedRobots.copy(into: root + "/Robots")
        let loader = RobotLoader(connectors: ["health", "benefits"])
        let path = root + "/Robots/rent-payments.robot.yaml"
        let hashes = try ["rent-payments", "Robots/rent-payments.robot.yaml", "./Robots/rent-payments.robot.yaml", path].map { try loader.load(path: path, displayPath: $0).hash }
        XCTAssertEqual(Set(hashes).count, 1, "\(hashes)")
        let viaDot = try loader.load(path: root + "/Robots/./rent-payments.robot.yaml", displayPath: "x").hash
        XCTAssertEqual(viaDot, hashes[0])
        // The catalog (the daemon) names the same version.
        let catalog = RobotCatalog(folder: root + "/Robots", connectors: ["health", "benefits"])
        catalog.reload(force: true)
        XCTAssertEqual(catalog.robots.first?.hash, hashes[0])
        // A changed table is still a new version.
        try "ean\n5798000000100\n5798000000209\n".write(toFile: root + "/Robots/data/rent-eans.csv", atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try loader.load(path: path, displayPath: "rent-payments").hash, hashes[0])
    }

    // MARK: item 3 — effective-dated tables honoured

    func rentInvoice(_ number: String, date: String) -> ScenarioInvoice {
        var i = ScenarioInvoice()
        i.number = number; i.sellerCVR = "12345623"; i.sellerName = "Boligselskabet"; i.buyerEAN = "5798000000100"
        i.note = "Lejer 150382-4455"; i.contractReference = "L-2201-3"; i.issueDate = date; i.amount("6250.00", vat: "0")
        return i
    }

    /// A housing company approved only from next month is not approved for this month's rent.
    func testApprovalDateOfAHousingCompanyIsHonoured() throws {
        let w = try RobotWorld()
        try "cvr,name,approved_from\n12345623,Boligselskabet Sjælland,2026-12-01\n12345631,Roskilde Almene Boliger,2021-06-01\n"
            .write(toFile: w.root + "/Robots/data/approved-housing-companies.csv", atomically: true, encoding: .utf8)
        try w.open()
        let got = try w.run([("november", rentInvoice("H-11", date: "2026-11-01")), ("december", rentInvoice("H-12", date: "2026-12-01"))])
        XCTAssertEqual(got["november"]?.reason, "housing-company-not-approved")
        XCTAssertEqual(got["december"]?.reason, "first-rent-invoice", "approved from 2026-12-01")
    }

    func tableRobot(_ effective: String, on: String = "") -> String {
        """
        robot: t
        tables:
          prices:
            file: data/prices.csv
            columns: { cvr: string, max_amount: number, valid_from: date, valid_to: date }
        \(effective)
        match: seller.cvr in prices.cvr
        steps:
          - table: price
            from: prices
            where: { cvr: seller.cvr }
        \(on)    reason: no-price
          - check: invoice.amount_due <= price.max_amount
            reason: too-much
          - book:
              account: "4001"
              dimensions: { costcentre: "1100" }
              vat_code: "I25"
        """
    }

    /// A `table` step without `on:` uses the table's validity date; an undeclared bound is refused.
    func testEffectiveDatedTablesAreDeclaredAndHonoured() throws {
        let w = try RobotWorld(robots: ["t.robot.yaml": tableRobot("    effective: { from: valid_from, to: valid_to, on: invoice.issue_date }")], shipRobots: false)
        try FileManager.default.createDirectory(atPath: w.root + "/Robots/data", withIntermediateDirectories: true)
        try "cvr,max_amount,valid_from,valid_to\n12345682,1000,2026-01-01,2026-06-30\n12345682,2000,2026-07-01,\n12345690,5000,2027-01-01,\n"
            .write(toFile: w.root + "/Robots/data/prices.csv", atomically: true, encoding: .utf8)
        try w.open()
        func inv(_ n: String, _ cvr: String, _ date: String, _ amount: String) -> (String, ScenarioInvoice) {
            var i = ScenarioInvoice(); i.number = n; i.sellerCVR = cvr; i.buyerEAN = "5798000000209"; i.issueDate = date; i.amount(amount, vat: "0")
            return (n, i)
        }
        let got = try w.run([
            inv("spring", "12345682", "2026-03-01", "1500.00"),   // the first row is in force: over its 1000
            inv("autumn", "12345682", "2026-11-01", "1500.00"),   // the second: within 2000
            inv("future", "12345690", "2026-11-01", "100.00"),    // its only row starts next year: not in prices.cvr
        ])
        assertOutcomes(got, ["spring": "too-much", "autumn": "booked", "future": "no-robot"])

        // Undeclared bounds are refused; `effective: none` says they are none.
        let dir = NSTemporaryDirectory() + "bilag-eff-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "cvr,max_amount,valid_from,valid_to\n12345682,1000,2026-01-01,\n".write(toFile: dir + "/data/prices.csv", atomically: true, encoding: .utf8)
        func load(_ text: String) throws -> Robot {
            try text.write(toFile: dir + "/t.robot.yaml", atomically: true, encoding: .utf8)
            return try RobotLoader(connectors: []).load(path: dir + "/t.robot.yaml", displayPath: "Robots/t.robot.yaml")
        }
        XCTAssertThrowsError(try load(tableRobot(""))) { XCTAssertTrue("\($0)".contains("column valid_from looks like a validity bound"), "\($0)") }
        XCTAssertThrowsError(try load(tableRobot("    effective: { from: valid_from }"))) { XCTAssertTrue("\($0)".contains("column valid_to"), "\($0)") }
        XCTAssertNoThrow(try load(tableRobot("    effective: none")))
        XCTAssertThrowsError(try load(tableRobot("    effective: { from: valid_from, to: valid_to, on: invoice.number }"))) { XCTAssertTrue("\($0)".contains("effective.on must be a date"), "\($0)") }
    }

    // MARK: item 4 — open-ended plans; a VAT code unless declared exempt

    func journal(_ w: RobotWorld) throws -> String {
        try FileManager.default.contentsOfDirectory(atPath: w.root + "/Outbox/journal").filter { $0.hasSuffix(".jsonl") }
            .map { try String(contentsOfFile: w.root + "/Outbox/journal/" + $0, encoding: .utf8) }.joined()
    }

    /// A plan without valid_to is open-ended: it covers invoices years ahead and is never due for renewal.
    func testOpenEndedPlanCoversInvoicesYearsAhead() throws {
        let w = try RobotWorld()
        try w.addPlans(["P-OPEN,Rammeaftale,payment-plan,12345690,5798000000209,,,,,,,4700010,costcentre=1100,I25,2026-01-01,,"])
        let plan = try XCTUnwrap(try w.store.plans(supplierCVR: "12345690", receiverEAN: "5798000000209").first)
        XCTAssertTrue(plan.isOpenEnded)
        var later = planInvoice(1, cvr: "12345690", ean: "5798000000209"); later.issueDate = "2031-05-02"
        XCTAssertEqual(try w.run([("later", later)])["later"]?.state, .booked)
        XCTAssertEqual(try w.store.plansDue(within: 365 * 20, today: LocalDate(parsing: "2026-11-20")!).map(\.id), [])
        XCTAssertThrowsError(try PlanCSV.parse("id,name,kind,supplier_cvr,receiver_ean,account,dimensions,vat_code,valid_from,valid_to\nP-X,,payment-plan,12345690,5798000000209,4700010,costcentre=1100,I25,2026-01-01,2025-01-01", by: "t"))
    }

    /// A plan or robot posting without a VAT code goes to manual (posting-invalid) unless declared exempt.
    func testPostingWithoutVATCodeIsRefusedUnlessDeclaredExempt() throws {
        let w = try RobotWorld()
        try w.addPlans([
            "P-NOVAT,Uden moms,payment-plan,12345690,5798000000209,,,,,,,4700010,costcentre=1100,,2026-01-01,2027-12-31,",
            "P-EXEMPT,Momsfri,payment-plan,12345682,5798000000209,,,,,,,4700020,costcentre=1100,exempt,2026-01-01,2027-12-31,",
        ])
        let got = try w.run([("novat", planInvoice(1, cvr: "12345690", ean: "5798000000209")), ("exempt", planInvoice(2, cvr: "12345682", ean: "5798000000209"))])
        XCTAssertEqual(got["novat"]?.reason, "posting-invalid")
        XCTAssertEqual(got["exempt"]?.state, .booked)
        XCTAssertTrue(try w.record("novat").reasonMessage?.contains("no VAT code") == true)
        let lines = try journal(w).split(separator: "\n").filter { $0.contains("4700020") }
        XCTAssertEqual(lines.count, 1)
        XCTAssertFalse(lines[0].contains("exempt"), String(lines[0]))

        let robot = { (vat: String) in "robot: v\nmatch: seller.cvr == \"12345682\"\nsteps:\n  - book:\n      account: \"4001\"\n      dimensions: { costcentre: \"1100\" }\n\(vat)" }
        let bare = try RobotWorld(robots: ["v.robot.yaml": robot("")], shipRobots: false)
        XCTAssertEqual(try bare.run([("bare", planInvoice(3, cvr: "12345682", ean: "5798000000209"))])["bare"]?.reason, "posting-invalid")
        let declared = try RobotWorld(robots: ["v.robot.yaml": robot("      vat_code: \"exempt\"\n")], shipRobots: false)
        XCTAssertEqual(try declared.run([("declared", planInvoice(4, cvr: "12345682", ean: "5798000000209"))])["declared"]?.state, .booked)
    }

    // MARK: item 10 — tables: duplicate keys, encodings

    /// Loads a robot with one table `t` over `data/t.csv` holding these bytes.
    func loadTable(_ declaration: String, _ bytes: Data) throws -> Robot {
        let dir = NSTemporaryDirectory() + "bilag-table-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try bytes.write(to: URL(fileURLWithPath: dir + "/data/t.csv"))
        let robot = "robot: t\ntables:\n  t:\n    file: data/t.csv\n\(declaration)match: buyer.ean in t.ean\nsteps:\n  - manual: look\n"
        try robot.write(toFile: dir + "/t.robot.yaml", atomically: true, encoding: .utf8)
        return try RobotLoader(connectors: []).load(path: dir + "/t.robot.yaml", displayPath: "Robots/t.robot.yaml")
    }

    func testDuplicateTableKeysAreRefusedWithTheirRows() throws {
        let cols = "    columns: { ean: string, costcentre: string }\n"
        XCTAssertThrowsError(try loadTable(cols, Data("ean,costcentre\n5798000000117,1100\n5798000000124,1200\n5798000000117,1300\n".utf8))) {
            XCTAssertTrue("\($0)".contains("rows 2 and 4 have the same key (ean 5798000000117)"), "\($0)")
        }
        // Another key, or none.
        XCTAssertNoThrow(try loadTable(cols + "    key: [ean, costcentre]\n", Data("ean,costcentre\n5798000000117,1100\n5798000000117,1300\n".utf8)))
        XCTAssertNoThrow(try loadTable(cols + "    key: none\n", Data("ean,costcentre\n5798000000117,1100\n5798000000117,1100\n".utf8)))
        // Effective-dated: the same key in periods that overlap is refused; one after the other is a price change.
        let dated = "    columns: { ean: string, price: number, valid_from: date, valid_to: date }\n    effective: { from: valid_from, to: valid_to }\n"
        XCTAssertNoThrow(try loadTable(dated, Data("ean,price,valid_from,valid_to\n5798000000117,1,2025-01-01,2025-12-31\n5798000000117,2,2026-01-01,\n".utf8)))
        XCTAssertThrowsError(try loadTable(dated, Data("ean,price,valid_from,valid_to\n5798000000117,1,2025-01-01,2026-01-31\n5798000000117,2,2026-01-01,\n".utf8))) {
            XCTAssertTrue("\($0)".contains("rows 2 and 3 have the same key (ean 5798000000117) and overlapping validity"), "\($0)")
        }
    }

    func testTableEncodingIsUTF8UnlessDeclared() throws {
        let cols = "    columns: { ean: string, name: string }\n"
        var latin1 = Data("ean,name\n5798000000117,R".utf8); latin1.append(0xE5); latin1.append(contentsOf: Array("dhuset\n".utf8))
        XCTAssertThrowsError(try loadTable(cols, latin1)) { XCTAssertTrue("\($0)".contains("line 2 is not valid UTF-8"), "\($0)") }
        let robot = try loadTable(cols + "    encoding: latin1\n", latin1)
        XCTAssertEqual(robot.tables["t"]?.rows.first?["name"], .string("Rådhuset"))
        XCTAssertThrowsError(try loadTable(cols + "    encoding: ebcdic\n", latin1)) { XCTAssertTrue("\($0)".contains("encoding must be one of"), "\($0)") }
    }

    // MARK: item 11 — errors where they are, all of them

    func loadText(_ text: String) -> RobotLanguageError? {
        let dir = NSTemporaryDirectory() + "bilag-errors-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try? text.write(toFile: dir + "/x.robot.yaml", atomically: true, encoding: .utf8)
        do { _ = try RobotLoader(connectors: ["health"]).load(path: dir + "/x.robot.yaml", displayPath: "Robots/x.robot.yaml"); return nil } catch let e as RobotLanguageError { return e } catch {
            XCTFail("\(error)"); return nil
        }
    }

    /// An unclosed quote is reported on the line where it opens.
    func testAYAMLErrorPointsAtTheLineOfTheProblem() throws {
        let text = "robot: x\ndescription: \"an unclosed quote\nmatch: buyer.ean != null\nsteps:\n  - book:\n      account: \"4001\"\n"
        let e = try XCTUnwrap(loadText(text))
        XCTAssertEqual(e.location.line, 2, e.description)
        XCTAssertTrue(e.description.hasPrefix("Robots/x.robot.yaml:2:"), e.description)
    }

    /// Every mistake of a file is reported, each at its line, without follow-on errors for the names a broken step binds.
    func testEveryErrorInAFileIsReported() throws {
        let text = """
        robot: x
        match: buyer.ean != nul
        steps:
          - extract:
              cpr: regex_find(invoice.note, "(")
          - require: cpr
            reason: missing-cpr
          - check: invoice.amount_due > "100"
            reason: too-much
          - lookup: order
            connector: erp
            query: orders
            fields: { id: string }
            none: decline
          - check: order.id != null
            reason: no-order
          - book:
              account: "4001"
              vat_code: "I25"
        """
        let e = try XCTUnwrap(loadText(text))
        XCTAssertEqual(e.all.map(\.location.line), [2, 5, 8, 11], e.description)
        XCTAssertEqual(e.description.split(separator: "\n").count, 4, e.description)
    }

    // MARK: item 9 — the language: GS1 of any length, whole-number division, regex_all, buyer.legal_id

    func testGS1ChecksDivisionAndRegexAll() throws {
        let origin = SourceLocation(file: "Robots/x.robot.yaml", line: 1, column: 1)
        let env = Environment(["s": .string("Målepunkt 571313104400123454 og 571313104400123465; lejemål L-1, L-22")])
        func eval(_ text: String) throws -> Value { try Expression.parse(text, at: origin).evaluate(in: env) }
        // 571313104400123454 is an 18-digit GSRN with a valid check digit; changing the last digit breaks it.
        XCTAssertEqual(try eval("is_gsrn(\"571313104400123454\")"), .bool(true))
        XCTAssertEqual(try eval("is_gsrn(\"571313104400123459\")"), .bool(false))
        XCTAssertEqual(try eval("is_gsrn(\"5798000000117\")"), .bool(false))
        XCTAssertEqual(try eval("is_gs1(\"5798000000117\") and is_gs1(\"571313104400123454\") and is_gs1(\"96385074\")"), .bool(true))
        XCTAssertEqual(try eval("[div(17, 5), mod(17, 5), div(-17, 5), mod(-17, 5)]"), .list([3, 2, -4, 3]))
        XCTAssertThrowsError(try eval("mod(17, 0)"))
        XCTAssertThrowsError(try eval("div(17.5, 5)"))
        XCTAssertEqual(try eval("regex_all(s, \"\\b(\\d{18})\\b\")"), .list(["571313104400123454", "571313104400123465"]))
        XCTAssertEqual(try eval("regex_all([s, \"L-333\"], \"L-\\d+\")"), .list(["L-1", "L-22", "L-333"]))
        XCTAssertEqual(try eval("regex_all(s, \"xyz\")"), .list([]))

        // `valid: gsrn` in a robot, and buyer.legal_id.
        let robot = """
        robot: el
        match: buyer.ean == "5798000000209" and buyer.legal_id == null
        steps:
          - extract:
              point: regex_find(invoice.texts, "\\b(\\d{18})\\b")
          - require: point
            valid: gsrn
            reason: bad-metering-point
          - book:
              account: "4310010"
              dimensions: { costcentre: "1100", point: point }
              vat_code: "I25"
        """
        let w = try RobotWorld(robots: ["el.robot.yaml": robot], shipRobots: false)
        func inv(_ n: String, _ point: String) -> (String, ScenarioInvoice) {
            var i = ScenarioInvoice(); i.number = n; i.sellerCVR = "12345666"; i.buyerEAN = "5798000000209"; i.note = "Målepunkt \(point)"; i.amount("800.00", vat: "25")
            return (n, i)
        }
        let got = try w.run([inv("good", "571313104400123454"), inv("bad", "571313104400123459")])
        assertOutcomes(got, ["good": "booked", "bad": "bad-metering-point"])
    }

    // MARK: item 13 — the shipped robots' data contract is documented

    /// casedata/README.md names every field, parameter and write-back parameter the shipped robots use, every table
    /// column, and every plans CSV column, so a municipality can feed its own data from the docs alone.
    func testTheShippedRobotsDataContractIsDocumented() throws {
        let readme = try String(contentsOfFile: RobotWorld.repo + "/casedata/README.md", encoding: .utf8)
        let copy = try ShippedRobots.repositoryCopy()
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let config = try ConfigLoader.load(root: copy, environment: [:])
        let (robots, errors) = RobotCatalog(folder: config.robotsPath, connectors: Set(config.connectors.keys)).checkAll()
        XCTAssertEqual(errors.map(\.description), [])
        var missing: [String] = []
        func need(_ name: String, _ whose: String) { if !readme.contains("`\(name)`") { missing.append("\(whose): \(name)") } }
        for robot in robots {
            for table in robot.tables.values { table.columns.forEach { need($0.name, "\(robot.name) table \(table.name)") } }
            for step in robot.steps {
                switch step {
                case let .lookup(l):
                    need(l.query, robot.name)
                    l.fields.keys.forEach { need($0, "\(robot.name) \(l.query) field") }
                    l.params.forEach { need($0.name, "\(robot.name) \(l.query) parameter") }
                case let .book(b):
                    for w in b.writeBacks { need(w.action, robot.name); w.params.forEach { need($0.name, "\(robot.name) \(w.action) parameter") } }
                default: break
                }
            }
        }
        for column in "id,name,kind,supplier_cvr,receiver_ean,min_amount,max_amount,cadence,order_number,invoice_prefix,identifier,account,dimensions,vat_code,valid_from,valid_to,note".split(separator: ",") {
            need(String(column), "plans CSV")
        }
        XCTAssertEqual(missing, [])
        XCTAssertTrue(readme.contains("10 digits without the dash"), "the CPR format is stated")
    }

    // MARK: item 6 — replay with history as it stood, against the robot's own decision

    /// October's first rent (approved by a clerk), November's jump (approved by an operator), December's ordinary
    /// rent (booked by the robot): a replay of the unchanged robot decides each as it did, and reports no difference.
    func testReplayOfAnUnchangedRobotReportsNoDifferences() throws {
        let bin = try BilagBinary.locate()
        let w = try RobotWorld()
        let queue = ManualQueue(pipeline: w.pipeline)
        let posting = ManualQueue.PostingInput(account: "5640010", dimensions: ["costcentre": "3310"], vatCode: "I0")
        var oct = rentInvoice("R-10", date: "2026-10-01"); oct.amount("6250.00", vat: "0")
        XCTAssertEqual(try w.run([("oct", oct)])["oct"]?.reason, "first-rent-invoice")
        _ = try queue.approve(try w.record("oct").id, posting: posting, by: "clerk")
        var nov = rentInvoice("R-11", date: "2026-11-01"); nov.amount("8250.00", vat: "0")
        XCTAssertEqual(try w.run([("nov", nov)])["nov"]?.reason, "rent-change-too-large")
        _ = try queue.approve(try w.record("nov").id, posting: posting, by: "clerk")
        var dec = rentInvoice("R-12", date: "2026-12-01"); dec.amount("8300.00", vat: "0")
        XCTAssertEqual(try w.run([("dec", dec)])["dec"]?.state, .booked)

        let replay = try bin.run(["robots", "replay", "rent-payments", "--since", "2026-01-01", "--root", w.root], logDirectory: w.root)
        XCTAssertTrue(replay.succeeded, replay.description)
        XCTAssertTrue(replay.stdout.contains("3 taken, 3 same, 0 different"), replay.stdout)
    }

    // MARK: item 8 — robots test as the daemon decides, with history from a file, and the values a robot sees

    func testRobotsTestAppliesPreControlTakesHistoryAndShowsTheValues() throws {
        let bin = try BilagBinary.locate()
        let w = try RobotWorld()
        // A foreign-currency certificate: the robot would book, the daemon stops it on currency.
        var eur = ScenarioInvoice(); eur.number = "E1"; eur.note = "CPR 010190-1234"; eur.currency = "EUR"; eur.amount("405.00", vat: "0")
        try eur.xml.write(toFile: w.root + "/eur.xml", atomically: true, encoding: .utf8)
        let test = try bin.run(["robots", "test", "medical-certificates", w.root + "/eur.xml", "--root", w.root, "--today", "2026-11-20"], logDirectory: w.root)
        XCTAssertTrue(test.stdout.contains("decision: MANUAL precontrol-currency"), test.stdout)

        // A rent invoice: the first for its tenancy without history; with last month's rent in a file it books.
        var rent = rentInvoice("R-11", date: "2026-11-01"); rent.amount("6300.00", vat: "0")
        try rent.xml.write(toFile: w.root + "/rent.xml", atomically: true, encoding: .utf8)
        let first = try bin.run(["robots", "test", "rent-payments", w.root + "/rent.xml", "--root", w.root, "--today", "2026-11-20"], logDirectory: w.root)
        XCTAssertTrue(first.stdout.contains("decision: MANUAL first-rent-invoice"), first.stdout)
        try "key,amount,issue_date,invoice_number\n12345623/YD-9001/L-2201-3,6250.00,2026-10-01,R-10\n".write(toFile: w.root + "/history.csv", atomically: true, encoding: .utf8)
        let later = try bin.run(["robots", "test", "rent-payments", w.root + "/rent.xml", "--root", w.root, "--today", "2026-11-20", "--history", w.root + "/history.csv", "--vars"], logDirectory: w.root)
        XCTAssertTrue(later.stdout.contains("decision: BOOK on 5640010"), later.stdout)
        XCTAssertTrue(later.stdout.contains("1 earlier booking(s), last 6250.00"), later.stdout)
        XCTAssertTrue(later.stdout.contains("buyer = ") && later.stdout.contains("\"5798000000100\""), later.stdout)
        XCTAssertFalse(later.stdout.contains("150382-4455"), "CPR masked: \(later.stdout)")
    }

    // MARK: item 5 — business order within a pass

    /// November and December rents dropped together are decided November first, whatever order the files are
    /// claimed in: each December is compared with its November, not with October.
    func testInvoicesDroppedTogetherAreDecidedInBusinessOrder() throws {
        let w = try RobotWorld()
        let tenancies = (1...8).map { k in (cpr: "0\(k)0180-1234", tenancy: "L-T\(k)") }
        let cases = tenancies.enumerated().map { i, t in
            "{\"case_id\": \"YD-T\(i)\", \"cpr\": \"\(t.cpr.replacingOccurrences(of: "-", with: ""))\", \"tenancy_id\": \"\(t.tenancy)\", \"housing_cvr\": \"12345623\", \"status\": \"active\", \"rent_administered\": true}"
        }
        try ("[\n" + cases.joined(separator: ",\n") + "\n]\n").write(toFile: w.root + "/casedata/benefits/rent-cases.json", atomically: true, encoding: .utf8)
        try w.open()
        func rent(_ t: (cpr: String, tenancy: String), _ month: Int, _ amount: String) -> (String, ScenarioInvoice) {
            var i = ScenarioInvoice()
            i.number = "\(t.tenancy)-\(month)"; i.sellerCVR = "12345623"; i.sellerName = "Boligselskabet"; i.buyerEAN = "5798000000100"
            i.note = "Lejer \(t.cpr)"; i.contractReference = t.tenancy; i.issueDate = "2026-\(month)-01"; i.amount(amount, vat: "0")
            return ("\(t.tenancy)-\(month)", i)
        }
        // October: each tenancy's first rent, approved by a clerk.
        _ = try w.run(tenancies.map { rent($0, 10, "6250.00") })
        let queue = ManualQueue(pipeline: w.pipeline)
        for t in tenancies {
            _ = try queue.approve(try w.record("\(t.tenancy)-10").id, posting: .init(account: "5640010", dimensions: ["costcentre": "3310"], vatCode: "I0"), by: "clerk")
        }
        // November (+450) and December (+450 again: 900 above October, within the limit only against November).
        let got = try w.run(tenancies.flatMap { [rent($0, 12, "7150.00"), rent($0, 11, "6700.00")] })
        var expected: [String: String] = [:]
        for t in tenancies { expected["\(t.tenancy)-11"] = "booked"; expected["\(t.tenancy)-12"] = "booked" }
        assertOutcomes(got, expected)
    }

    // MARK: item 5 — business order across passes

    /// December's rent arrived (and was booked) before October's: October's history must not contain December, which
    /// comes after it in business order. October is the tenancy's first rent, whatever was decided first.
    func testHistoryOfALateInvoiceSeesOnlyInvoicesBeforeItInBusinessOrder() throws {
        let w = try RobotWorld()
        var dec = rentInvoice("R-12", date: "2026-12-01"); dec.amount("6250.00", vat: "0")
        XCTAssertEqual(try w.run([("dec", dec)])["dec"]?.reason, "first-rent-invoice")
        _ = try ManualQueue(pipeline: w.pipeline).approve(try w.record("dec").id, posting: .init(account: "5640010", dimensions: ["costcentre": "3310"], vatCode: "I0"), by: "clerk")
        var oct = rentInvoice("R-10", date: "2026-10-01"); oct.amount("6250.00", vat: "0")
        XCTAssertEqual(try w.run([("oct", oct)])["oct"]?.reason, "first-rent-invoice", "December comes after October: not October's last rent")
        // November, arriving last, sees both October (once booked) and not December.
        _ = try ManualQueue(pipeline: w.pipeline).approve(try w.record("oct").id, posting: .init(account: "5640010", dimensions: ["costcentre": "3310"], vatCode: "I0"), by: "clerk")
        var nov = rentInvoice("R-11", date: "2026-11-01"); nov.amount("6300.00", vat: "0")
        XCTAssertEqual(try w.run([("nov", nov)])["nov"]?.state, .booked)
        let trace = try XCTUnwrap(try w.store.decisions(invoice: try w.record("nov").id).last?.traceJSON)
        XCTAssertTrue(trace.contains("1 earlier booking(s), last 6250.00 on 2026-10-01"), trace)
    }

    // MARK: item 6 — re-evaluation with history as it stood

    static let ceilingRobot = """
        robot: ceiling
        tables:
          ceilings:
            file: data/ceilings.csv
            columns: { cvr: string, first_max: number }
            effective: none
        match: seller.cvr == "12345682"
        steps:
          - history: earlier
            key: seller.cvr
          - table: ceiling
            from: ceilings
            where: { cvr: seller.cvr }
            reason: no-ceiling
          - check: earlier.count > 0 or invoice.amount_due <= ceiling.first_max
            reason: first-over-ceiling
          - book:
              account: "4001"
              dimensions: { costcentre: "1100" }
              vat_code: "I0"
        """

    /// A supplier's first invoice went to manual over its ceiling; a second invoice (same issue date) was booked
    /// meanwhile. When the ceiling table is edited, the first invoice is re-evaluated with the history as it stood
    /// for it — still the first, still over the ceiling — not booked because of the invoice booked after it.
    func testReEvaluationAfterATableEditUsesHistoryAsItStoodForTheInvoice() throws {
        let w = try RobotWorld(robots: ["ceiling.robot.yaml": Self.ceilingRobot], shipRobots: false)
        try FileManager.default.createDirectory(atPath: w.root + "/Robots/data", withIntermediateDirectories: true)
        try "cvr,first_max\n12345682,1000\n".write(toFile: w.root + "/Robots/data/ceilings.csv", atomically: true, encoding: .utf8)
        try w.open()
        func inv(_ n: String, _ amount: String) -> (String, ScenarioInvoice) {
            var i = ScenarioInvoice(); i.number = n; i.sellerCVR = "12345682"; i.buyerEAN = "5798000000209"; i.issueDate = "2026-11-02"; i.amount(amount, vat: "0")
            return (n, i)
        }
        XCTAssertEqual(try w.run([inv("first", "5000.00")])["first"]?.reason, "first-over-ceiling")
        XCTAssertEqual(try w.run([inv("second", "500.00")])["second"]?.state, .booked, "the first is not booked: the second is first too")
        // The ceiling is raised, still below the first invoice: re-evaluated, it stays where it was.
        try "cvr,first_max\n12345682,1200\n".write(toFile: w.root + "/Robots/data/ceilings.csv", atomically: true, encoding: .utf8)
        let got = try w.run([])
        let events = try w.store.decisions(invoice: try w.record("first").id)
        XCTAssertEqual(events.count, 2, "re-evaluated once after the table edit")
        XCTAssertEqual(got["first"]?.reason, "first-over-ceiling", "history as it stood for the first invoice: no earlier booking")
        // Raised above it, the re-evaluation books it.
        try "cvr,first_max\n12345682,6000\n".write(toFile: w.root + "/Robots/data/ceilings.csv", atomically: true, encoding: .utf8)
        XCTAssertEqual(try w.run([])["first"]?.state, .booked)
    }

    /// A re-evaluation sees history as it stood for the invoice, yet its booking must also hold with what was booked
    /// meanwhile: November's rent went to manual (too large a change), a corrected November invoice was booked, then the
    /// change limit was raised — the first November invoice, re-evaluated, must not pay November a second time (nor
    /// deduct it from the benefit twice). Likewise when an operator re-runs it.
    func testAReEvaluationDoesNotPayAPeriodBookedMeanwhile() throws {
        let w = try RobotWorld()
        let queue = ManualQueue(pipeline: w.pipeline)
        var oct = rentInvoice("R-10", date: "2026-10-01"); oct.amount("6250.00", vat: "0")
        XCTAssertEqual(try w.run([("oct", oct)])["oct"]?.reason, "first-rent-invoice")
        _ = try queue.approve(try w.record("oct").id, posting: .init(account: "5640010", dimensions: ["costcentre": "3310"], vatCode: "I0"), by: "clerk")
        var nov = rentInvoice("R-11", date: "2026-11-01"); nov.amount("7500.00", vat: "0")
        XCTAssertEqual(try w.run([("nov", nov)])["nov"]?.reason, "rent-change-too-large")
        var corrected = rentInvoice("R-11-K", date: "2026-11-02"); corrected.amount("6300.00", vat: "0")
        XCTAssertEqual(try w.run([("corrected", corrected)])["corrected"]?.state, .booked)
        // The limit raised: November's first invoice is re-evaluated and held, November being paid already.
        try "max_change_amount,max_change_percent,valid_from\n2000.00,25,2020-01-01\n".write(toFile: w.root + "/Robots/data/rent-change-limits.csv", atomically: true, encoding: .utf8)
        let got = try w.run([])
        XCTAssertEqual(try w.store.decisions(invoice: try w.record("nov").id).count, 2, "re-evaluated after the table edit")
        XCTAssertEqual(got["nov"]?.state, .manual)
        XCTAssertEqual(got["nov"]?.reason, "rent-month-already-paid")
        let message = try w.record("nov").reasonMessage ?? ""
        XCTAssertTrue(message.contains("since this invoice was first decided"), message)
        // An operator's re-run (another operator than the approver) holds it as well.
        XCTAssertEqual(try queue.retry(try w.record("nov").id, by: "bob").reasonCode, "rent-month-already-paid")
        let booked = try w.store.invoices(limit: 100).filter { $0.state == .booked }.map { ($0.sourcePath as NSString).lastPathComponent }
        XCTAssertEqual(Set(booked), ["oct.xml", "corrected.xml"])
    }

    /// A table edited while the daemon was stopped is a table change at its next start: the manual invoices it may
    /// decide are re-evaluated then, as they are when it is edited while the daemon runs.
    func testATableEditedWhileTheDaemonWasStoppedReEvaluatesAtTheNextStart() throws {
        let bin = try BilagBinary.locate()
        let w = try RobotWorld()
        XCTAssertEqual(try w.run([("lh", RobotScenarioTests.med("LH-1", note: "Attest vedr. CPR 010190-1234", amount: "450.00"))])["lh"]?.reason, "amount-outside-tariff")
        let path = w.root + "/Robots/data/medical-certificate-tariffs.csv"
        let tariffs = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "LÆ 125,405.00,405.00,2026-04-01,", with: "LÆ 125,405.00,450.00,2026-04-01,")
        try tariffs.write(toFile: path, atomically: true, encoding: .utf8)
        try w.leaveRobotsAlone()
        let run = try bin.run(["run", "--once", "--root", w.root], environment: ["BILAG_LOG_LEVEL": "info"], logDirectory: w.root)
        XCTAssertTrue(run.succeeded, run.description)
        XCTAssertTrue(run.stderr.contains("re-evaluating manual invoices after a table change"), run.stderr + run.stdout)
        XCTAssertEqual(try w.record("lh").state, .booked)
        // Started again with nothing changed: nothing is re-evaluated.
        let again = try bin.run(["run", "--once", "--root", w.root], environment: ["BILAG_LOG_LEVEL": "info"], logDirectory: w.root)
        XCTAssertFalse(again.stderr.contains("re-evaluating"), again.stderr)
    }

    // MARK: item 1 — `none: decline` on a table step

    /// A table step with `none: decline` passes invoices of suppliers missing from the table to the next robot (here:
    /// none, so `no-robot`); adding the supplier's row re-evaluates them and the robot keeps them.
    func testTableStepDeclinesWhenNoRowAndATableEditTakesTheInvoiceBack() throws {
        let robot = Self.ceilingRobot.replacingOccurrences(of: "    reason: no-ceiling", with: "    none: decline")
        let w = try RobotWorld(robots: ["ceiling.robot.yaml": robot], shipRobots: false)
        try FileManager.default.createDirectory(atPath: w.root + "/Robots/data", withIntermediateDirectories: true)
        try "cvr,first_max\n12345690,1000\n".write(toFile: w.root + "/Robots/data/ceilings.csv", atomically: true, encoding: .utf8)
        try w.open()
        var i = ScenarioInvoice(); i.number = "C-1"; i.sellerCVR = "12345682"; i.buyerEAN = "5798000000209"; i.amount("500.00", vat: "0")
        XCTAssertEqual(try w.run([("c1", i)])["c1"]?.reason, "no-robot")
        XCTAssertEqual(try w.store.decisions(invoice: try w.record("c1").id).map(\.outcome), ["declined"])
        XCTAssertEqual(try w.store.recentOutcomes(robot: "ceiling", limit: 10), [], "a decline is no deviation of the robot's")
        try "cvr,first_max\n12345690,1000\n12345682,1000\n".write(toFile: w.root + "/Robots/data/ceilings.csv", atomically: true, encoding: .utf8)
        XCTAssertEqual(try w.run([])["c1"]?.state, .booked)

        // `none:` takes only `decline`; with it there is no deviation to name.
        let dir = NSTemporaryDirectory() + "bilag-tdecl-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "cvr,first_max\n12345690,1000\n".write(toFile: dir + "/data/ceilings.csv", atomically: true, encoding: .utf8)
        for (text, complaint) in [
            (Self.ceilingRobot.replacingOccurrences(of: "    reason: no-ceiling", with: "    none: { reason: x }"), "`none:` can only be `decline`"),
            (Self.ceilingRobot.replacingOccurrences(of: "    reason: no-ceiling", with: "    none: decline\n    reason: no-ceiling"), "drop `reason:`"),
        ] {
            try text.write(toFile: dir + "/c.robot.yaml", atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try RobotLoader(connectors: []).load(path: dir + "/c.robot.yaml", displayPath: "Robots/c.robot.yaml")) {
                XCTAssertTrue("\($0)".contains(complaint), "\($0)")
            }
        }
    }

    // MARK: a fourth robot: the same decisions one by one, all at once, or late

    static let meterRobot = """
        robot: meter
        match: seller.cvr == "12345682"
        steps:
          - history: earlier
            key: seller.cvr
          - check: earlier.count == 0 or abs(invoice.amount_due - earlier.last_amount) <= 100
            reason: change-too-large
          - book:
              account: "4001"
              dimensions: { costcentre: "1100" }
              vat_code: "I0"
        """

    func meterInvoice(_ month: Int, _ amount: String) -> (String, ScenarioInvoice) {
        var i = ScenarioInvoice(); i.number = "M-\(month)"; i.sellerCVR = "12345682"; i.buyerEAN = "5798000000209"
        i.issueDate = "2026-\(String(format: "%02d", month))-05"; i.amount(amount, vat: "0")
        return ("m\(month)", i)
    }

    /// "last" is the latest booking in business order: August's invoice booked after September's does not become
    /// October's last month.
    func testLastIsTheLatestInBusinessOrderNotTheLatestDecided() throws {
        let w = try RobotWorld(robots: ["meter.robot.yaml": Self.meterRobot], shipRobots: false)
        XCTAssertEqual(try w.run([meterInvoice(9, "1000.00")])["m9"]?.state, .booked)
        XCTAssertEqual(try w.run([meterInvoice(8, "500.00")])["m8"]?.state, .booked, "nothing before August: a first invoice")
        XCTAssertEqual(try w.run([meterInvoice(10, "1050.00")])["m10"]?.state, .booked, "compared with September, not August")
    }

    /// A month of a robot's invoices decided one by one as they arrive, and the same invoices dropped at once in a
    /// scrambled order, are decided alike.
    func testOneByOneAndAllAtOnceDecideAlike() throws {
        let amounts = ["1000.00", "1040.00", "1300.00", "1290.00", "1350.00", "1360.00", "900.00", "950.00"]
        let invoices = amounts.enumerated().map { meterInvoice($0.offset + 1, $0.element) }
        let single = try RobotWorld(robots: ["meter.robot.yaml": Self.meterRobot], shipRobots: false)
        var oneByOne: [String: String] = [:]
        for i in invoices { let got = try single.run([i]); oneByOne[i.0] = got[i.0]?.reason ?? got[i.0]?.state.rawValue }
        let batch = try RobotWorld(robots: ["meter.robot.yaml": Self.meterRobot], shipRobots: false)
        let got = try batch.run([5, 2, 8, 1, 7, 3, 6, 4].map { invoices[$0 - 1] })
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: invoices.map { ($0.0, got[$0.0]?.reason ?? got[$0.0]?.state.rawValue ?? "-") }), oneByOne)
        XCTAssertEqual(oneByOne.values.filter { $0 == "change-too-large" }.count, 5, "a change sent to manual is no one's last month: \(oneByOne)")
        // And a replay of the unchanged robot decides each as it was decided, in either world.
        let bin = try BilagBinary.locate()
        for w in [single, batch] {
            let replay = try bin.run(["robots", "replay", "meter", "--since", "2026-01-01", "--root", w.root], logDirectory: w.root)
            XCTAssertTrue(replay.stdout.contains("8 taken, 8 same, 0 different"), (w === single ? "one by one: " : "at once: ") + replay.description + "\n" + ((try? w.store.invoices(limit: 100).map { "\($0.id) \($0.sourcePath) \($0.state) \($0.reasonCode ?? "")" }.joined(separator: "\n")) ?? ""))
        }
    }
}
