import BilagCore
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// The daemon reloads robots between passes. A robot file still being written (saved in parts, copied over a slow
/// link) may parse and check half-way: it is loaded only once the folder has been left alone for two seconds, and
/// until then invoices are decided by the version that ran. A copy staged under the same robot name never runs beside
/// the robot, nor takes it over, and `robots check` names the clash.
final class RobotReloadTests: XCTestCase {
    func testARobotFileStillBeingWrittenIsNotLoadedAndAStagedCopyNeverRunsBesideIt() throws {
        let root = try TemporaryRoot()
        try root.configure()
        try root.addBookEverythingRobot()
        let robotFile = root.path + "/Robots/book-everything.robot.yaml"
        let robot = try String(contentsOfFile: robotFile, encoding: .utf8)
        let daemon = try root.startDaemon()
        defer { daemon.terminate(); _ = daemon.wait(timeout: 20) }
        let template = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")

        /// Delivers invoice NUMBER and waits until it is booked; the account it was booked on and the decisions' robot versions.
        func booked(_ number: String) throws -> (account: String?, versions: [String]) {
            try root.deliver(template.invoice(number: number), to: "peppol/\(number).xml")
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                let store = try Store(path: root.databasePath)
                if let r = try store.invoices(limit: 100).first(where: { $0.invoiceNumber == number }), r.state != .received {
                    XCTAssertEqual(r.state, .booked, number)
                    let line = try root.journal().entries.first { $0["invoice_number"] as? String == number }
                    let account = ((line?["postings"] as? [[String: Any]])?.first)?["account"] as? String
                    return (account, try store.decisions(invoice: r.id).map { "\($0.robot)@\($0.mode)@\($0.robotHash.prefix(12))" })
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
            XCTFail("\(number) was not decided: \(daemon.stderrText().suffix(2000))")
            return (nil, [])
        }
        func touch(_ path: String, _ date: Date) throws { try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path) }
        /// Waits until the daemon has logged `text` `count` times (a pass's reload and its claims are one pass apart).
        func logged(_ text: String, times count: Int) -> Bool {
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                if daemon.stderrText().components(separatedBy: text).count - 1 >= count { return true }
                Thread.sleep(forTimeInterval: 0.02)
            }
            return false
        }

        let first = try booked("R-1")
        XCTAssertEqual(first.account, "4000")
        XCTAssertEqual(first.versions.count, 1)

        // A new version being written: its modification time is still moving (here: ahead of the clock).
        try robot.replacingOccurrences(of: "\"4000\"", with: "\"4999\"").write(toFile: robotFile, atomically: false, encoding: .utf8)
        try touch(robotFile, Date().addingTimeInterval(3600))
        let meanwhile = try booked("R-2")
        XCTAssertEqual(meanwhile.account, "4000", "decided by a robot file still being written")
        XCTAssertEqual(meanwhile.versions, first.versions)

        // Left alone: the next pass loads it.
        try touch(robotFile, Date().addingTimeInterval(-10))
        XCTAssertTrue(logged("robot loaded", times: 1), daemon.stderrText().suffix(2000).description)
        let settled = try booked("R-3")
        XCTAssertEqual(settled.account, "4999")
        XCTAssertNotEqual(settled.versions, first.versions)

        // A copy staged to try a change, its `robot:` not renamed yet: refused, the robot goes on alone.
        let staged = root.path + "/Robots/book-everything-next.robot.yaml"
        try robot.replacingOccurrences(of: "\"4000\"", with: "\"5555\"").replacingOccurrences(of: "priority: 1", with: "priority: 1\nmode: shadow")
            .write(toFile: staged, atomically: false, encoding: .utf8)
        try touch(staged, Date().addingTimeInterval(-10))
        XCTAssertTrue(logged("robot file refused", times: 1), daemon.stderrText().suffix(2000).description)
        let beside = try booked("R-4")
        XCTAssertEqual(beside.account, "4999")
        XCTAssertEqual(beside.versions, settled.versions, "only the robot that ran decided")
        // Removing a robot's file takes it out of force, and the log says so (once).
        try FileManager.default.removeItem(atPath: staged)
        try FileManager.default.removeItem(atPath: robotFile)
        XCTAssertTrue(daemon.waitForStderr(containing: "robot removed", timeout: 20), daemon.stderrText().suffix(2000).description)
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(daemon.stderrText().components(separatedBy: "robot removed").count - 1, 1, "logged once")
        try robot.replacingOccurrences(of: "\"4000\"", with: "\"4999\"").write(toFile: robotFile, atomically: false, encoding: .utf8)
        try robot.replacingOccurrences(of: "\"4000\"", with: "\"5555\"").replacingOccurrences(of: "priority: 1", with: "priority: 1\nmode: shadow")
            .write(toFile: staged, atomically: false, encoding: .utf8)
        let check = try root.bilag(["robots", "check"])
        XCTAssertNotEqual(check.exitCode, 0, "\(check)")
        XCTAssertTrue((check.stdout + check.stderr).contains("robot name 'book-everything' is used by Robots/book-everything.robot.yaml too"), "\(check)")
    }
}

/// `bilag robots check` asks each lookup's query of its connector as configured: a misspelt query (`ordrs`) sent
/// every invoice to manual as `robot-error` at run time, yet the check said ok.
final class RobotCheckQueryTests: XCTestCase {
    func testALookupOfAQueryItsConnectorDoesNotHaveFailsTheCheck() throws {
        let w = try RobotWorld()
        let file = w.root + "/Robots/medical-certificates.robot.yaml"
        let good = try String(contentsOfFile: file, encoding: .utf8)
        let clean = try BilagBinary.locate().run(["robots", "check", "--root", w.root], logDirectory: w.root)
        XCTAssertEqual(clean.exitCode, 0, clean.description)
        try good.replacingOccurrences(of: "query: orders", with: "query: ordrs").write(toFile: file, atomically: true, encoding: .utf8)
        let check = try BilagBinary.locate().run(["robots", "check", "--root", w.root], logDirectory: w.root)
        XCTAssertNotEqual(check.exitCode, 0, check.description)
        XCTAssertTrue(check.stdout.contains("connector health has no data for query 'ordrs'") && check.stdout.contains("it has: orders"), check.stdout)
        XCTAssertTrue(check.stdout.contains("Robots/medical-certificates.robot.yaml:"), check.stdout)
    }

    /// A misspelt lookup param finds nothing for every invoice (each to manual with a misleading reason): the check
    /// names it against the query's record fields; over HTTP, against the query's path, body and filter in bilag.yaml,
    /// and a write-back's action against the connector's actions.
    func testAMisspeltLookupParamOrWriteBackActionFailsTheCheck() throws {
        let w = try RobotWorld()
        let file = w.root + "/Robots/medical-certificates.robot.yaml"
        let good = try String(contentsOfFile: file, encoding: .utf8)
        try good.replacingOccurrences(of: "clinic_cvr:", with: "clinic:").write(toFile: file, atomically: true, encoding: .utf8)
        let check = try BilagBinary.locate().run(["robots", "check", "--root", w.root], logDirectory: w.root)
        XCTAssertNotEqual(check.exitCode, 0, check.description)
        XCTAssertTrue(check.stdout.contains("lookup param 'clinic' is no field of health/orders") && check.stdout.contains("clinic_cvr"), check.stdout)

        var cleanup: [String] = []
        defer { for f in cleanup { try? FileManager.default.removeItem(atPath: f) } }
        let server = try CaseSystemServer.onShippedCaseData(certificates: nil, cleanup: &cleanup)
        let http = try RobotWorld(connectors: server.connectorsYAML())
        let robot = http.root + "/Robots/medical-certificates.robot.yaml"
        try good.replacingOccurrences(of: "clinic_cvr:", with: "clinic:").replacingOccurrences(of: "action: mark-order-invoiced", with: "action: mark-order-invoce")
            .write(toFile: robot, atomically: true, encoding: .utf8)
        let over = try BilagBinary.locate().run(["robots", "check", "--root", http.root], logDirectory: http.root)
        XCTAssertNotEqual(over.exitCode, 0, over.description)
        XCTAssertTrue(over.stdout.contains("lookup param 'clinic' is used by neither"), over.stdout)
        XCTAssertTrue(over.stdout.contains("has no action 'mark-order-invoce'"), over.stdout)
    }
}
