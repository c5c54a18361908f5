import BilagBench
import BilagCore
import BilagEngine
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// The robot tools as an operator or robot writer uses them: `robots test`, `robots replay`, `decisions export`,
/// `plans`, and re-evaluation when a tariff row arrives.
final class RobotCommandTests: XCTestCase {
    func testNewTariffRowReEvaluatesWaitingInvoices() throws {
        let w = try RobotWorld()
        var inv = ScenarioInvoice()
        inv.number = "T1"; inv.note = "CPR 120578-1122"; inv.amount("1400.00", vat: "0")
        XCTAssertEqual(try w.run([("t1", inv)])["t1"]?.reason, "amount-outside-tariff")
        let tariffs = w.root + "/Robots/data/medical-certificate-tariffs.csv"
        var text = try String(contentsOfFile: tariffs, encoding: .utf8)
        text = text.replacingOccurrences(of: "LÆ 145,1130.00,1335.00,2026-04-01,", with: "LÆ 145,1130.00,1335.00,2026-04-01,2026-10-31\nLÆ 145,1130.00,1450.00,2026-11-01,")
        try text.write(toFile: tariffs, atomically: true, encoding: .utf8)
        try w.leaveRobotsAlone()
        _ = try w.pipeline.pass()
        let r = try w.record("t1")
        XCTAssertEqual(r.state, .booked, "re-evaluated under the new tariff row: \(r.reasonCode ?? "")")
        XCTAssertTrue(try w.store.events(r.id).contains { $0.action == "re-evaluate" })
    }

    /// `robots test NAME` on a robot whose file has a mistake shows that mistake (file:line), not "cannot read the
    /// robot file"; a name no file gives says so and lists the files.
    func testRobotsTestByNameShowsTheRobotsOwnError() throws {
        let bin = try BilagBinary.locate()
        let w = try RobotWorld()
        try "robot: school-orders\nmatch: seller.cvr != null\nsteps:\n  - chek: seller.cvr != null\n".write(toFile: w.root + "/Robots/school.robot.yaml", atomically: true, encoding: .utf8)
        let inv = RobotScenarioTests.med("M1", note: "CPR 010190-1234", amount: "405.00")
        try inv.xml.write(toFile: w.root + "/inv.xml", atomically: true, encoding: .utf8)
        let broken = try bin.run(["robots", "test", "school-orders", w.root + "/inv.xml", "--root", w.root], logDirectory: w.root)
        XCTAssertNotEqual(broken.exitCode, 0, broken.description)
        XCTAssertFalse(broken.stderr.contains("cannot read the robot file"), broken.stderr)
        XCTAssertTrue(broken.stderr.contains("Robots/school.robot.yaml:4:5: a step starts with one of"), broken.stderr)
        let unknown = try bin.run(["robots", "test", "no-such-robot", w.root + "/inv.xml", "--root", w.root], logDirectory: w.root)
        XCTAssertNotEqual(unknown.exitCode, 0, unknown.description)
        XCTAssertTrue(unknown.stderr.contains("no robot named 'no-such-robot'") && unknown.stderr.contains("school.robot.yaml"), unknown.stderr)
    }

    func testRobotsTestReplayAndDecisionExportThroughTheCLI() throws {
        let bin = try BilagBinary.locate()
        let w = try RobotWorld()
        var a = ScenarioInvoice(); a.number = "C1"; a.note = "CPR 010190-1234"; a.amount("405.00", vat: "0")
        var b = ScenarioInvoice(); b.number = "C2"; b.note = "CPR 120578-1122"; b.amount("1500.00", vat: "0")
        try w.run([("c1", a), ("c2", b)])
        let file = w.root + "/one.xml"
        try b.xml.write(toFile: file, atomically: true, encoding: .utf8)
        let test = try bin.run(["robots", "test", "medical-certificates", file, "--root", w.root, "--today", "2026-11-20"], logDirectory: w.root)
        XCTAssertTrue(test.succeeded, test.description)
        XCTAssertTrue(test.stdout.contains("MANUAL amount-outside-tariff"), test.stdout)
        XCTAssertTrue(test.stdout.contains("lookup"), test.stdout)
        XCTAssertFalse(test.stdout.contains("120578-1122"), "CPR masked in the dry run: \(test.stdout)")

        // A changed robot with a wider tariff: the replay shows the one invoice it would decide differently.
        let changed = w.root + "/changed.robot.yaml"
        var robot = try String(contentsOfFile: w.root + "/Robots/medical-certificates.robot.yaml", encoding: .utf8)
        robot = robot.replacingOccurrences(of: "invoice.amount_due between tariff.min_amount and tariff.max_amount", with: "invoice.amount_due between tariff.min_amount and tariff.max_amount + 500")
        robot = robot.replacingOccurrences(of: "file: data/", with: "file: Robots/data/")
        try robot.write(toFile: changed, atomically: true, encoding: .utf8)
        let replay = try bin.run(["robots", "replay", changed, "--since", "2026-01-01", "--root", w.root], logDirectory: w.root)
        XCTAssertTrue(replay.succeeded, replay.description)
        XCTAssertTrue(replay.stdout.contains("was amount-outside-tariff") && replay.stdout.contains("would book"), replay.stdout)
        XCTAssertTrue(replay.stdout.contains("1 different"), replay.stdout)

        let export = try bin.run(["decisions", "export", "--from", "2000-01-01", "--to", "2100-01-01", "--root", w.root], logDirectory: w.root)
        XCTAssertTrue(export.succeeded, export.description)
        let lines = export.stdout.split(separator: "\n")
        XCTAssertGreaterThanOrEqual(lines.count, 2)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        XCTAssertEqual(first["robot"] as? String, "medical-certificates")
        XCTAssertEqual((first["robot_hash"] as? String)?.count, 64)
        XCTAssertNotNil(first["legal_basis"])
        XCTAssertFalse(export.stdout.contains("010190-1234") || export.stdout.contains("0101901234"), "CPR masked in the export")

        // `robots test NAME` takes the robot's name whatever its file is called, as its --help says.
        try FileManager.default.moveItem(atPath: w.root + "/Robots/medical-certificates.robot.yaml", toPath: w.root + "/Robots/laegeerklaeringer.robot.yaml")
        let byName = try bin.run(["robots", "test", "medical-certificates", file, "--root", w.root, "--today", "2026-11-20"], logDirectory: w.root)
        XCTAssertTrue(byName.succeeded && byName.stdout.contains("MANUAL amount-outside-tariff"), byName.description)
    }

    func testPlansThroughTheCLI() throws {
        let bin = try BilagBinary.locate()
        let w = try RobotWorld()
        let imp = try bin.run(["plans", "import", RobotWorld.repo + "/demo/plans.csv", "--root", w.root, "--user", "anna"], logDirectory: w.root)
        XCTAssertTrue(imp.stdout.contains("imported 3 plan(s)"), imp.description)
        let add = try bin.run(["plans", "add", "--root", w.root, "--id", "P-NEW", "--supplier-cvr", "12345690", "--receiver-ean", "5798000000117",
                                "--account", "4700010", "--dim", "costcentre=1100", "--cadence", "quarterly", "--valid-from", "2026-01-01", "--valid-to", "2026-12-01"], logDirectory: w.root)
        XCTAssertTrue(add.succeeded, add.description)
        let bad = try bin.run(["plans", "add", "--root", w.root, "--id", "P-BAD", "--supplier-cvr", "12345678", "--receiver-ean", "5798000000117",
                                "--account", "1", "--valid-from", "2026-01-01", "--valid-to", "2026-12-01"], logDirectory: w.root)
        XCTAssertFalse(bad.succeeded)
        XCTAssertTrue(bad.stderr.contains("not a valid CVR"), bad.description)
        // A plan whose posting the ledger would refuse (the default rules: a numeric account, a known VAT code, a cost centre).
        for (args, why) in [(["--account", "45-20", "--dim", "costcentre=1100"], "form of an account"), (["--account", "4700010"], "dimension 'costcentre' is required"),
                            (["--account", "4700010", "--dim", "costcentre=1100", "--vat-code", "BOGUS"], "VAT code 'BOGUS'")] {
            let refused = try bin.run(["plans", "add", "--root", w.root, "--id", "P-RULES", "--supplier-cvr", "12345690", "--receiver-ean", "5798000000117",
                                       "--valid-from", "2026-01-01", "--valid-to", "2026-12-01"] + args, logDirectory: w.root)
            XCTAssertEqual(refused.exitCode, 2, refused.description)
            XCTAssertTrue(refused.stderr.contains(why), refused.description)
        }
        let due = try bin.run(["plans", "due", "--root", w.root, "--today", "2026-11-20", "--json"], logDirectory: w.root)
        let ids = try due.jsonArray().compactMap { $0["id"] as? String }
        XCTAssertEqual(Set(ids), ["P-TELE-SKOLE", "P-VAND-PLEJE", "P-NEW"])
        let end = try bin.run(["plans", "end", "P-NEW", "--root", w.root], logDirectory: w.root)
        XCTAssertTrue(end.succeeded, end.description)
        let list = try bin.run(["plans", "list", "--root", w.root, "--json"], logDirectory: w.root)
        XCTAssertEqual(try list.jsonArray().count, 3)
    }
}
