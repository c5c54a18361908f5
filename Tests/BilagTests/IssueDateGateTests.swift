import BilagCore
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// An issue date that is no calendar date: validation gives the official verdict (valid, with a `BILAG-FORMAT`
/// warning), and the pipeline still never books such an invoice — it holds it in the manual queue as
/// `issue-date-unreadable` before any robot runs, and an operator cannot approve it (the real binary, a real root).
final class IssueDateGateTests: XCTestCase {
    /// The corpus document with its (first) issue date element's text replaced.
    func withIssueDate(_ corpus: String, _ date: String, open: String = "<cbc:IssueDate>", close: String = "</cbc:IssueDate>") throws -> Data {
        var text = String(decoding: try Corpus.data(corpus), as: UTF8.self)
        let r = try XCTUnwrap(text.range(of: open))
        let end = try XCTUnwrap(text.range(of: close, range: r.upperBound..<text.endIndex))
        text.replaceSubrange(r.upperBound..<end.lowerBound, with: date)
        return Data(text.utf8)
    }

    func testAnUnreadableIssueDateIsValidWithAWarningButHeldForAPersonAndNeverBooked() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        try root.addBookEverythingRobot()
        // OIOUBL, EN 16931 UBL and CII: the official rules accept each; bilag cannot read the issue date.
        let held: [(String, Data)] = [
            ("oioubl-13th-month.xml", try withIssueDate("oioubl/parse/happy-path_real.xml", "2026-13-01")),
            ("oioubl-30-february.xml", try withIssueDate("oioubl/parse/nemkonto.xml", "2026-02-30")),
            ("ubl-with-time.xml", try withIssueDate("en16931-ubl/examples/ubl-tc434-example1.xml", "2026-01-05T00:00:00")),
            ("cii-30-february.xml", try withIssueDate("en16931-cii/examples/CII_business_example_01.xml", "20260230", open: "<udt:DateTimeString format=\"102\">", close: "</udt:DateTimeString>")),
        ]
        for (name, data) in held {
            let file = root.path + "/" + name
            try data.write(to: URL(fileURLWithPath: file))
            let inspected = try root.bilagSucceeding(["inspect", file, "--json"]).jsonObject()
            let validation = try XCTUnwrap(inspected["validation"] as? [String: Any], name)
            let issues = try XCTUnwrap(validation["issues"] as? [[String: Any]], name)
            let format = issues.filter { $0["ruleID"] as? String == "BILAG-FORMAT" }
            XCTAssertFalse(format.isEmpty, "\(name): the unreadable date is reported: \(issues)")
            XCTAssertTrue(format.allSatisfy { $0["severity"] as? String == "warning" }, "\(name): a warning, the official verdict: \(format)")
            let text = try root.bilagSucceeding(["inspect", file]).stdout
            XCTAssertTrue(text.contains(": valid"), "\(name): \(text)")
            _ = try root.deliver(data, to: "mail/" + name)
        }
        // A control: the same OIOUBL invoice with its date is booked by the robot.
        _ = try root.deliver(try Corpus.data("oioubl/parse/happy-path_real.xml"), to: "mail/control.xml")
        try root.bilagSucceeding(["run", "--once"])

        let records = try root.records()
        XCTAssertEqual(records.count, held.count + 1)
        for r in records where !r.sourcePath.hasSuffix("control.xml") {
            XCTAssertEqual(r.state, .manual, "\(r.sourcePath): \(r.reasonCode ?? "") \(r.reasonMessage ?? "")")
            XCTAssertEqual(r.reasonCode, "issue-date-unreadable", r.sourcePath)
            XCTAssertTrue(r.reasonMessage?.contains("returned-to-supplier") ?? false, "says what to do: \(r.reasonMessage ?? "")")
            XCTAssertEqual(try root.store().decisions(invoice: r.id).count, 0, "\(r.sourcePath): no robot ran")
            // An operator cannot book it either.
            let approve = try root.bilag(["queue", "approve", r.id, "--account", "4000", "--dim", "costcentre=1100", "--vat-code", "I25", "--user", "anna"])
            XCTAssertNotEqual(approve.exitCode, 0, "\(approve)")
            XCTAssertTrue(approve.stderr.contains("issue-date-unreadable") || approve.stderr.contains("issue date"), approve.stderr)
        }
        let control = try XCTUnwrap(records.first { $0.sourcePath.hasSuffix("control.xml") })
        XCTAssertEqual(control.state, .booked, "\(control.reasonCode ?? "") \(control.reasonMessage ?? "")")
        XCTAssertEqual(try root.records().filter { $0.state == .booked }.count, 1, "nothing else was booked")
        XCTAssertEqual(try root.journal().invoiceIDs, [control.id])
    }

    func testAMissingIssueDateIsHeldTooAndAReadableOneIsNot() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        try root.addBookEverythingRobot()
        var text = String(decoding: try Corpus.data("oioubl/parse/happy-path_real.xml"), as: UTF8.self)
        let r = try XCTUnwrap(text.range(of: "<cbc:IssueDate>2005-11-20</cbc:IssueDate>"))
        text.removeSubrange(r)
        _ = try root.deliver(Data(text.utf8), to: "mail/no-date.xml")
        // A date with a time zone is a date bilag reads: booked.
        _ = try root.deliver(try withIssueDate("oioubl/parse/happy-path_real.xml", "2005-11-20+01:00"), to: "mail/zone.xml")
        try root.bilagSucceeding(["run", "--once"])
        let records = try root.records()
        let missing = try XCTUnwrap(records.first { $0.sourcePath.hasSuffix("no-date.xml") })
        XCTAssertEqual(missing.state, .manual)
        XCTAssertEqual(missing.reasonCode, "issue-date-unreadable", missing.reasonMessage ?? "")
        let zone = try XCTUnwrap(records.first { $0.sourcePath.hasSuffix("zone.xml") })
        XCTAssertEqual(zone.state, .booked, "\(zone.reasonCode ?? "") \(zone.reasonMessage ?? "")")
    }
}
