import BilagCore
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// What stops an operator or a robot from booking what no ledger takes, or paying a duplicate again, through the
/// real binary.
final class OperatorSafeguardTests: XCTestCase {
    /// A processed root with the default posting rules: invoices `S-01…S-04` in the manual queue (no robot), then an
    /// exact copy of `S-01` (duplicate-file) and `S-02` sent again with other bytes (duplicate-invoice).
    func fixture() throws -> (TemporaryRoot, [String: String]) {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        let template = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        for i in 1...4 { try root.deliver(template.invoice(number: "S-0\(i)"), to: "peppol/s-0\(i).xml") }
        try root.bilagSucceeding(["run", "--once"])
        try root.deliver(template.invoice(number: "S-01"), to: "peppol/s-01-copy.xml")
        try root.deliver(template.withNumber("S-02").withNote("sent again").data, to: "peppol/s-02-again.xml")
        try root.bilagSucceeding(["run", "--once"])
        let ids = Dictionary(uniqueKeysWithValues: try root.records().map { ($0.sourcePath, $0.id) })
        return (root, ids)
    }

    func state(_ root: TemporaryRoot, _ id: String) throws -> String {
        let shown = try root.bilagSucceeding(["queue", "show", id, "--json"]).jsonObject()
        return (shown["record"] as? [String: Any])?["state"] as? String ?? "?"
    }

    func testApprovalRefusesPostingsTheRulesDoNotAllow() throws {
        let (root, ids) = try fixture()
        let id = try XCTUnwrap(ids["peppol/s-03.xml"])
        let refused: [([String], String)] = [
            (["--account", ""], "the account is empty"),
            (["--account", "abc", "--dim", "costcentre=4711"], "does not have the form of an account"),
            (["--account=-5", "--dim", "costcentre=4711"], "does not have the form of an account"),
            (["--account", "5250", "--dim", "costcentre=4711", "--vat-code", "BOGUS"], "VAT code 'BOGUS'"),
            (["--account", "5250"], "dimension 'costcentre' is required"),
            (["--account", "5250", "--dim", "costcentre="], "dimension 'costcentre' is required"),
        ]
        for (args, why) in refused {
            let o = try root.bilag(["queue", "approve", id, "--user", "alice"] + args)
            XCTAssertEqual(o.exitCode, 2, "\(args) was not refused: \(o)")
            XCTAssertFalse(o.stdout.contains("booked"), "\(args): \(o.stdout)")
            XCTAssertTrue(o.stderr.contains(why), "\(args): the refusal says why (\(why)): \(o.stderr)")
            XCTAssertTrue(o.stderr.contains("what to do"), o.stderr)
        }
        // A correction is held to the same rules.
        XCTAssertEqual(try root.bilag(["queue", "correct", id, "--account", "abc", "--dim", "costcentre=1", "--user", "bob"]).exitCode, 2)
        XCTAssertEqual(try state(root, id), "manual")
        XCTAssertEqual(try root.journal().entries.count, 0, "nothing reached the journal")

        // A posting the rules allow books.
        try root.bilagSucceeding(["queue", "approve", id, "--account", "5250", "--dim", "costcentre=4711", "--vat-code", "I25", "--user", "alice"])
        XCTAssertEqual(try state(root, id), "booked")
    }

    func testConfiguredChartOfAccountsVATCodesAndDimensions() throws {
        let (root, ids) = try fixture()
        try Data("account;name\n4000;Varekøb\n5250;Konsulenter\n".utf8).write(to: URL(fileURLWithPath: root.path + "/accounts.csv"))
        try root.configure(readiness: "rename", more: """
            postings:
              chart_of_accounts: accounts.csv
              vat_codes: ["1", "11"]
              required_dimensions: [ansvar, tjeneste]
            """)
        let id = try XCTUnwrap(ids["peppol/s-04.xml"])
        let notInChart = try root.bilag(["queue", "approve", id, "--account", "5251", "--dim", "ansvar=1", "--dim", "tjeneste=2", "--user", "alice"])
        XCTAssertEqual(notInChart.exitCode, 2, "\(notInChart)")
        XCTAssertTrue(notInChart.stderr.contains("not in the chart of accounts"), notInChart.stderr)
        let oldCode = try root.bilag(["queue", "approve", id, "--account", "5250", "--dim", "ansvar=1", "--dim", "tjeneste=2", "--vat-code", "I25", "--user", "alice"])
        XCTAssertEqual(oldCode.exitCode, 2, "\(oldCode)")
        let missing = try root.bilag(["queue", "approve", id, "--account", "5250", "--dim", "ansvar=1", "--user", "alice"])
        XCTAssertTrue(missing.stderr.contains("dimension 'tjeneste' is required"), missing.stderr)
        try root.bilagSucceeding(["queue", "approve", id, "--account", "5250", "--dim", "ansvar=1", "--dim", "tjeneste=2", "--vat-code", "11", "--user", "alice"])

        // A broken rule is a configuration error, not a silently open door.
        try root.configure(readiness: "rename", more: "postings:\n  account_pattern: '^[0-9'\n")
        let bad = try root.bilag(["status"])
        XCTAssertNotEqual(bad.exitCode, 0, "\(bad)")
        XCTAssertTrue(bad.stderr.contains("account_pattern"), bad.stderr)
    }

    func testARobotBookingThatBreaksThePostingRulesGoesToManual() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        try FileManager.default.createDirectory(atPath: root.path + "/Robots", withIntermediateDirectories: true)
        try Data("""
            robot: everything
            description: books every invoice to an account the ledger does not have
            priority: 1
            match: invoice.number != null
            steps:
              - book:
                  account: "ABC-1"
                  dimensions: { costcentre: "1100" }
                  vat_code: "I25"
                  pay: true
            """.utf8).write(to: URL(fileURLWithPath: root.path + "/Robots/everything.robot.yaml"))
        let template = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        try root.deliver(template.invoice(number: "R-1"), to: "peppol/r-1.xml")
        try root.bilagSucceeding(["run", "--once"])
        let r = try XCTUnwrap(try root.records().first)
        XCTAssertEqual(r.state, .manual)
        XCTAssertEqual(r.reasonCode, "posting-invalid")
        XCTAssertTrue(r.reasonMessage?.contains("ABC-1") == true, r.reasonMessage ?? "")
        XCTAssertEqual(try root.journal().entries.count, 0)
    }

    func testApprovingAFlaggedDuplicateNeedsAnAuditedOverride() throws {
        let (root, ids) = try fixture()
        let original = try XCTUnwrap(ids["peppol/s-01.xml"])
        try root.bilagSucceeding(["queue", "approve", original, "--account", "5250", "--dim", "costcentre=4711", "--user", "alice"])
        for (path, flag) in [("peppol/s-01-copy.xml", "duplicate-file"), ("peppol/s-02-again.xml", "duplicate-invoice")] {
            let id = try XCTUnwrap(ids[path])
            let plain = try root.bilag(["queue", "approve", id, "--account", "5250", "--dim", "costcentre=4711", "--user", "alice"])
            XCTAssertEqual(plain.exitCode, 2, "a plain approve booked a \(flag): \(plain)")
            XCTAssertTrue(plain.stderr.contains(flag) && plain.stderr.contains("--override-duplicate"), plain.stderr)
            let blank = try root.bilag(["queue", "approve", id, "--account", "5250", "--dim", "costcentre=4711", "--user", "alice", "--override-duplicate", "  "])
            XCTAssertEqual(blank.exitCode, 2, "an empty reason is no override: \(blank)")
            XCTAssertEqual(try state(root, id), "manual")
        }
        XCTAssertEqual(try root.journal().invoiceIDs, [original])

        let again = try XCTUnwrap(ids["peppol/s-02-again.xml"])
        try root.bilagSucceeding(["queue", "approve", again, "--account", "5250", "--dim", "costcentre=4711", "--user", "bob",
                                  "--override-duplicate", "supplier confirms a second delivery under the same number"])
        let events = try root.bilagSucceeding(["queue", "show", again, "--json"]).jsonObject()["events"] as? [[String: Any]] ?? []
        let approved = try XCTUnwrap(events.last { $0["action"] as? String == "approved" })
        let detail = approved["detail"] as? String ?? ""
        XCTAssertTrue(detail.contains("duplicate_override") && detail.contains("second delivery"), detail)
        XCTAssertEqual(Set(try root.journal().invoiceIDs), [original, again])
    }
}
