import BilagCore
import BilagOutbox
import BilagTestKit
import Foundation
import XCTest

/// The demo as `scripts/demo` runs it — the real binary, the shipped demo invoices, plans and configuration
/// (`demo/bilag.yaml`) in a root of its own — shows the whole Outbox: the journal, the ERP's GL07 file and a pain.001
/// file the official schema accepts, paying the suppliers' own accounts (never the municipality's), and a day report
/// that reconciles.
final class DemoOutboxTests: XCTestCase {
    static let repo = Corpus.packageRoot

    func files(_ folder: String, _ suffix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(suffix) && !$0.hasPrefix(".") }.sorted()
    }

    func testTheDemoWritesTheJournalAnERPFileAndASchemaValidPaymentFileThatReconcile() throws {
        let bin = try BilagBinary.locate()
        let root = try ShippedRobots.repositoryCopy()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fm = FileManager.default
        for channel in ["nemhandel", "peppol"] {
            try fm.createDirectory(atPath: root + "/Inbox/" + channel, withIntermediateDirectories: true)
            for f in files(Self.repo + "/demo/invoices/" + channel, ".xml") {
                try fm.copyItem(atPath: Self.repo + "/demo/invoices/\(channel)/\(f)", toPath: root + "/Inbox/\(channel)/\(f)")
            }
        }
        let config = Self.repo + "/demo/bilag.yaml"
        func bilag(_ args: [String]) throws -> ProcessOutcome { try bin.run(args + ["--root", root, "--config", config], logDirectory: root + "/logs") }
        XCTAssertEqual(try bilag(["plans", "import", Self.repo + "/demo/plans.csv", "--skip-existing", "--user", "demo"]).exitCode, 0)
        let run = try bilag(["run", "--once"])
        XCTAssertEqual(run.exitCode, 0, "\(run)")

        XCTAssertFalse(files(root + "/Outbox/journal", ".jsonl").isEmpty, "the journal")
        let erp = files(root + "/Outbox/ubw", "")
        XCTAssertFalse(erp.isEmpty, "the ERP's GL07 file")
        let payments = files(root + "/Outbox/bank", ".xml")
        XCTAssertFalse(payments.isEmpty, "a pain.001 file")
        var paid = 0
        for name in payments {
            let path = root + "/Outbox/bank/" + name
            XCTAssertNil(try PaymentFixtures.schemaErrors(path, version: "pain.001.001.03"), name)
            let xml = try String(contentsOfFile: path, encoding: .utf8)
            let creditors = xml.components(separatedBy: "<CdtrAcct>").dropFirst()
            paid += creditors.count
            XCTAssertFalse(creditors.contains { $0.prefix(200).contains("DK5000400440116243") }, "no payment into the municipality's own account: \(xml)")
            XCTAssertTrue(xml.contains("<Ref>71/000000002346526</Ref>"), "the FIK +71 invoice: \(xml)")
        }
        XCTAssertGreaterThanOrEqual(paid, 3)

        // The day's report: booked and paid (and waiting: the phone bill is due on 2027-01-15), and it reconciles.
        let report = try bilag(["report", "day", "--json"])
        XCTAssertEqual(report.exitCode, 0, "\(report)")
        let json = try report.jsonObject()
        XCTAssertEqual(json["ok"] as? Bool, true, "\(json)")
        let outcomes = json["outcomes"] as? [[String: Any]] ?? []
        XCTAssertTrue(outcomes.contains { $0["outcome"] as? String == "booked" }, "\(outcomes)")
        let writers = Set((json["files"] as? [[String: Any]] ?? []).compactMap { $0["writer"] as? String })
        XCTAssertEqual(writers, ["journal", "ubw"])
        let p = try XCTUnwrap(json["payments"] as? [String: Any])
        XCTAssertEqual(p["paid_count"] as? Int, paid)
        if LocalDate.today() < LocalDate(parsing: "2027-01-10")! { XCTAssertEqual(p["waiting_count"] as? Int, 1, "\(p)") }
        // Paid and waiting per robot that booked them: they add up to the day's, and name the robots of the outcomes.
        let robots = try XCTUnwrap(p["by_robot"] as? [[String: Any]], "\(p)")
        XCTAssertEqual(robots.reduce(0) { $0 + ($1["paid_count"] as? Int ?? 0) }, paid, "\(robots)")
        XCTAssertEqual(robots.reduce(0) { $0 + ($1["waiting_count"] as? Int ?? 0) }, p["waiting_count"] as? Int, "\(robots)")
        let booking = Set(outcomes.filter { $0["outcome"] as? String == "booked" }.compactMap { $0["robot"] as? String })
        XCTAssertEqual(Set(robots.compactMap { $0["robot"] as? String }), booking, "\(robots)")
        func due(_ line: [String: Any], _ key: String) -> Amount { Amount(parsing: (line[key] as? [String: String])?["DKK"] ?? "0") ?? .zero }
        let bookedDue = outcomes.filter { $0["outcome"] as? String == "booked" }.reduce(Amount.zero) { $0 + due($1, "amounts") }
        XCTAssertEqual(robots.reduce(Amount.zero) { $0 + due($1, "paid") + due($1, "waiting") }, bookedDue, "every booked demo invoice is paid or waiting: \(robots)")
        let list = try bilag(["payments", "list"])
        XCTAssertEqual(list.exitCode, 0, "\(list)")
        XCTAssertEqual(list.stdout.split(separator: "\n").filter { $0.contains(" filed ") }.count, paid, list.stdout)
        let text = try bilag(["report", "day"]).stdout
        XCTAssertTrue(text.contains("payments (bank):") && text.contains("reconciles"), text)
    }
}
