import BilagCore
import BilagTestKit
import Foundation
import XCTest

/// A supplier numbers an invoice once: the same number sent again — with another issue date, in other letters, with
/// spaces or punctuation — is held as `duplicate-invoice` before any robot, never booked and paid again. Through the
/// real binary, with the shipped robots and a payment plan that books every invoice of its supplier.
final class SameInvoiceNumberTests: XCTestCase {
    static let repo = Corpus.packageRoot

    var root = ""
    var bin: BilagBinary!
    var template = ""

    override func setUpWithError() throws {
        bin = try BilagBinary.locate()
        root = try ShippedRobots.repositoryCopy()
        try FileManager.default.createDirectory(atPath: root + "/Inbox/peppol", withIntermediateDirectories: true)
        // A plan with no cadence, so that it books each invoice of the supplier to the receiver whose number starts CR-.
        let plans = """
            id,name,kind,supplier_cvr,receiver_ean,min_amount,max_amount,cadence,order_number,invoice_prefix,identifier,account,dimensions,vat_code,valid_from,valid_to,note
            P-DUP,El,payment-plan,12345666,5798000000117,1.00,100000.00,,,CR-,,4310010,costcentre=1100,I25,2026-01-01,2027-12-31,
            """
        try plans.write(toFile: root + "/plans.csv", atomically: true, encoding: .utf8)
        XCTAssertEqual(try bilag(["plans", "import", root + "/plans.csv", "--user", "demo"]).exitCode, 0)
        template = try String(contentsOfFile: Self.repo + "/demo/invoices/peppol/plan-01-power.xml", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("AdditionalDocumentReference") }.joined(separator: "\n")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: root) }

    func bilag(_ args: [String]) throws -> ProcessOutcome {
        try bin.run(args + ["--root", root, "--config", Self.repo + "/demo/bilag.yaml"], logDirectory: root + "/logs")
    }

    func deliver(_ name: String, number: String, issued: String = "2026-11-10") throws {
        let xml = template.replacingOccurrences(of: "<cbc:ID>EF-88812</cbc:ID>", with: "<cbc:ID>\(number)</cbc:ID>")
            .replacingOccurrences(of: "<cbc:IssueDate>2026-11-10</cbc:IssueDate>", with: "<cbc:IssueDate>\(issued)</cbc:IssueDate>")
        XCTAssertTrue(xml.contains("<cbc:ID>\(number)</cbc:ID>"))
        let tmp = root + "/Inbox/peppol/." + name
        try xml.write(toFile: tmp, atomically: false, encoding: .utf8)
        XCTAssertEqual(rename(tmp, root + "/Inbox/peppol/" + name), 0)
    }

    func runOnce() throws {
        let run = try bilag(["run", "--once"])
        XCTAssertEqual(run.exitCode, 0, "\(run)")
    }

    /// Each delivered file's state, reason and duplicate reference, by its file name.
    func outcomes() throws -> [String: (state: String, reason: String?, duplicateOf: String?, id: String)] {
        let listed = try bilag(["invoices", "list", "--json"])
        XCTAssertEqual(listed.exitCode, 0, "\(listed)")
        var out: [String: (String, String?, String?, String)] = [:]
        for r in try XCTUnwrap(try listed.jsonObject()["invoices"] as? [[String: Any]]) {
            let id = r["id"] as? String ?? ""
            let shown = try bilag(["queue", "show", id, "--json"])
            let record = try XCTUnwrap(try shown.jsonObject()["record"] as? [String: Any], "\(shown)")
            let name = ((record["source_path"] as? String) ?? "").split(separator: "/").last.map(String.init) ?? ""
            out[name] = (record["state"] as? String ?? "", record["reason_code"] as? String, record["duplicate_of"] as? String, id)
        }
        return out
    }

    func testTheSameNumberSentAgainWithAnotherDateOrSpellingIsHeldNotPaidAgain() throws {
        try deliver("first.xml", number: "CR-4711")
        try deliver("other.xml", number: "CR-4712")
        try runOnce()
        var o = try outcomes()
        XCTAssertEqual(o["first.xml"]?.state, "booked", "\(o)")
        XCTAssertEqual(o["other.xml"]?.state, "booked", "another number is another invoice: \(o)")
        let first = try XCTUnwrap(o["first.xml"]?.id)

        // Sent again: another issue date, lower case, spaces and punctuation; and, in one batch, a new number twice.
        try deliver("new-date.xml", number: "CR-4711", issued: "2026-11-20")
        try deliver("lower-case.xml", number: "cr-4711")
        try deliver("spaced.xml", number: " CR 4711 ", issued: "2026-11-21")
        try deliver("slashed.xml", number: "CR/4711", issued: "2026-11-22")
        try deliver("full-width.xml", number: "ＣＲ－４７１１", issued: "2026-11-23")
        try deliver("batch-a.xml", number: "CR-5000")
        try deliver("batch-b.xml", number: "CR-5000", issued: "2026-11-11")
        try runOnce()
        o = try outcomes()
        for name in ["new-date.xml", "lower-case.xml", "spaced.xml", "slashed.xml", "full-width.xml"] {
            XCTAssertEqual(o[name]?.state, "manual", "\(name): \(String(describing: o[name]))")
            XCTAssertEqual(o[name]?.reason, "duplicate-invoice", name)
            XCTAssertEqual(o[name]?.duplicateOf, first, "\(name) names the invoice it repeats")
        }
        let batch = [o["batch-a.xml"], o["batch-b.xml"]].compactMap { $0 }
        XCTAssertEqual(batch.map(\.state).sorted(), ["booked", "manual"], "one of the two in a batch is booked, the other held: \(batch)")
        XCTAssertEqual(batch.compactMap(\.reason), ["duplicate-invoice"])

        // The message says how it differs and what to do; approving it still needs the operator's reason.
        let shown = try bilag(["queue", "show", try XCTUnwrap(o["new-date.xml"]?.id)])
        XCTAssertTrue(shown.stdout.contains("number CR-4711 of 2026-11-10"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("check it with the supplier"), shown.stdout)
        let approve = try bilag(["queue", "approve", try XCTUnwrap(o["lower-case.xml"]?.id), "--account", "4310010", "--dim", "costcentre=1100", "--vat-code", "I25", "--user", "alice"])
        XCTAssertEqual(approve.exitCode, 2, "\(approve)")
        XCTAssertTrue(approve.stderr.contains("--override-duplicate"), approve.stderr)

        // Paid once each: three bookings, three journal lines, three payments.
        let booked = o.values.filter { $0.state == "booked" }
        XCTAssertEqual(booked.count, 3, "\(o)")
        let journal = try FileManager.default.contentsOfDirectory(atPath: root + "/Outbox/journal").filter { $0.hasSuffix(".jsonl") }
            .flatMap { try String(contentsOfFile: root + "/Outbox/journal/" + $0, encoding: .utf8).split(separator: "\n") }
        XCTAssertEqual(journal.count, 3, "\(journal)")
        let paid = try FileManager.default.contentsOfDirectory(atPath: root + "/Outbox/bank").filter { $0.hasSuffix(".xml") }
            .map { try String(contentsOfFile: root + "/Outbox/bank/" + $0, encoding: .utf8).components(separatedBy: "<CdtTrfTxInf>").count - 1 }.reduce(0, +)
        XCTAssertEqual(paid, 3)
    }

    func testTheNumberIsComparedByItsLettersAndDigits() {
        XCTAssertEqual(Identifiers.invoiceNumberKey("cr-4711"), "CR4711")
        XCTAssertEqual(Identifiers.invoiceNumberKey(" CR 4711 "), "CR4711")
        XCTAssertEqual(Identifiers.invoiceNumberKey("CR/47.11"), "CR4711")
        XCTAssertEqual(Identifiers.invoiceNumberKey("fa-ø12"), "FAØ12")
        XCTAssertEqual(Identifiers.invoiceNumberKey("0012"), "0012", "leading zeros are part of the number")
        XCTAssertNotEqual(Identifiers.invoiceNumberKey("12"), Identifiers.invoiceNumberKey("0012"))
        XCTAssertNil(Identifiers.invoiceNumberKey(" - / "))
    }

    /// A number typed with full-width characters (an East Asian keyboard, a PDF-to-UBL converter), ligatures or
    /// another script's digits is the same number as read: before, `FW-４７１１` after `FW-4711` was paid again.
    func testCompatibilityFormsAndOtherScriptsDigitsAreTheSameNumber() {
        XCTAssertEqual(Identifiers.invoiceNumberKey("FW-４７１１"), "FW4711")
        XCTAssertEqual(Identifiers.invoiceNumberKey("ＤＵＰ－９００１"), "DUP9001")
        XCTAssertEqual(Identifiers.invoiceNumberKey("ﬁ-12"), "FI12", "a ligature is its letters")
        XCTAssertEqual(Identifiers.invoiceNumberKey("CR-٤٧١١"), "CR4711", "Arabic-Indic digits")
        XCTAssertEqual(Identifiers.invoiceNumberKey("fa-ø12"), "FAØ12", "a letter of its own stays itself")
        XCTAssertNotEqual(Identifiers.invoiceNumberKey("FW-４７１２"), Identifiers.invoiceNumberKey("FW-4711"))
    }
}
