import BilagBench
import BilagCore
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// `--reveal` shows personal ids only with a stated purpose, and every opening is audited with the user, the
/// purpose and any note: per invoice in its own trail, one record listing what a bulk export revealed. Every
/// action that takes `--note` keeps it in the audit trail.
final class RevealTests: XCTestCase {
    static let purpose = "klage 2026-118"

    /// A processed root with one queued invoice whose note holds a CPR number.
    func fixture() throws -> (TemporaryRoot, InvoiceRecord, String) {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        let base = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        let data = base.withNumber("R-1").withNote("Vedr. borger CPR 010190-1234").data
        try root.deliver(data, to: "peppol/r-1.xml")
        try root.bilagSucceeding(["run", "--once"])
        let record = try XCTUnwrap(try root.records().first)
        let file = root.path + "/r-1-copy.xml"
        try data.write(to: URL(fileURLWithPath: file))
        return (root, record, file)
    }

    func opened(_ root: TemporaryRoot, _ id: String) throws -> [InvoiceEvent] {
        try root.store().events(id).filter { $0.action == "opened" }
    }

    func testEveryRevealWithoutAPurposeIsRefusedAndShowsNothing() throws {
        let (root, record, file) = try fixture()
        let attempts: [[String]] = [
            ["queue", "show", record.id, "--reveal", "--user", "anna"],
            ["queue", "show", record.id, "--reveal", "--json", "--user", "anna"],
            ["queue", "show", record.id, "--reveal", "--purpose", "  ", "--user", "anna"],
            ["decisions", "export", "--from", "2000-01-01", "--to", "2100-01-01", "--reveal", "--user", "anna"],
            ["inspect", file, "--reveal", "--user", "anna"],
            ["robots", "test", "nothing", file, "--reveal", "--user", "anna"],
        ]
        for args in attempts {
            let o = try root.bilag(args)
            XCTAssertEqual(o.exitCode, 2, "refused with the operator-error code: \(o)")
            XCTAssertTrue(o.stderr.contains("--purpose"), "the error says what to add: \(o.stderr)")
            XCTAssertFalse(o.stderr.contains("Usage:"), "an operator error, not the usage text: \(o.stderr)")
            XCTAssertFalse((o.stdout + o.stderr).contains("010190-1234"), "nothing revealed: \(o)")
        }
        XCTAssertEqual(try opened(root, record.id).count, 0, "a refused reveal opens nothing")
        XCTAssertEqual(try root.store().auditRecords(), [])
    }

    func testOpeningAnInvoiceIsAuditedWithUserPurposeAndNote() throws {
        let (root, record, _) = try fixture()
        let o = try root.bilagSucceeding(["queue", "show", record.id, "--reveal", "--purpose", Self.purpose, "--user", "anna", "--note", "sag 44"])
        XCTAssertTrue(o.stdout.contains("010190-1234"), o.stdout)
        let events = try opened(root, record.id)
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events.first?.actor, "operator:anna")
        let detail = try XCTUnwrap(events.first?.detail)
        XCTAssertTrue(detail.contains(Self.purpose), detail)
        XCTAssertTrue(detail.contains("sag 44"), "the note is kept: \(detail)")
        // The trail printed shows the opening and its purpose.
        XCTAssertTrue(o.stdout.contains("opened") && o.stdout.contains(Self.purpose), o.stdout)
        // Without --reveal nothing is opened and the number stays masked.
        let masked = try root.bilagSucceeding(["queue", "show", record.id, "--user", "bo"])
        XCTAssertFalse(masked.stdout.contains("010190-1234"))
        XCTAssertEqual(try opened(root, record.id).count, 1)
    }

    func testABulkExportIsOneAuditRecordListingWhatItRevealed() throws {
        let w = try RobotWorld()
        var a = ScenarioInvoice(); a.number = "C1"; a.note = "CPR 010190-1234"; a.amount("405.00", vat: "0")
        var b = ScenarioInvoice(); b.number = "C2"; b.note = "CPR 120578-1122"; b.amount("1500.00", vat: "0")
        try w.run([("c1", a), ("c2", b)])
        let ids = try w.store.invoices(limit: 10).map(\.id)
        let bin = try BilagBinary.locate()
        let masked = try bin.run(["decisions", "export", "--from", "2000-01-01", "--to", "2100-01-01", "--root", w.root], logDirectory: w.root)
        XCTAssertTrue(masked.succeeded, masked.description)
        XCTAssertFalse(masked.stdout.contains("120578-1122"), masked.stdout)
        let out = try bin.run(["decisions", "export", "--from", "2000-01-01", "--to", "2100-01-01", "--root", w.root, "--reveal", "--purpose", Self.purpose, "--user", "revisor", "--note", "årsrevision"], logDirectory: w.root)
        XCTAssertTrue(out.succeeded, out.description)
        XCTAssertTrue(out.stdout.contains("120578-1122"), out.stdout)
        let audit = try w.store.auditRecords()
        XCTAssertEqual(audit.count, 1, "one record for the export: \(audit)")
        let record = try XCTUnwrap(audit.first)
        XCTAssertEqual(record.actor, "operator:revisor")
        XCTAssertEqual(record.action, "revealed")
        let detail = record.detail ?? ""
        XCTAssertTrue(detail.contains(Self.purpose) && detail.contains("årsrevision"), detail)
        for id in ids { XCTAssertTrue(detail.contains(id), "the record lists \(id): \(detail)") }
    }

    /// Every action that takes `--note` keeps it in the audit trail.
    func testEveryNoteReachesTheAuditTrail() throws {
        let w = try RobotWorld()
        try w.addPlans(["P-1,El,payment-plan,12345674,5798000000117,,,,,,,4000,costcentre=1,,2026-01-01,2026-12-31,"])
        let bin = try BilagBinary.locate()
        func cli(_ args: [String]) throws { let o = try bin.run(args + ["--root", w.root], logDirectory: w.root); XCTAssertTrue(o.succeeded, o.description) }
        try cli(["plans", "end", "P-1", "--user", "anna", "--note", "kontrakt opsagt"])
        try cli(["plans", "add", "--id", "P-3", "--supplier-cvr", "12345674", "--receiver-ean", "5798000000117", "--account", "4620010", "--dim", "costcentre=3120", "--valid-from", "2026-01-01", "--valid-to", "2026-12-01", "--user", "anna", "--note", "ny aftale"])
        try cli(["robots", "resume", "payment-plans", "--user", "anna", "--note", "tabel rettet"])
        let csv = w.root + "/plans.csv"
        try ("id,name,kind,supplier_cvr,receiver_ean,min_amount,max_amount,cadence,order_number,invoice_prefix,identifier,account,dimensions,vat_code,valid_from,valid_to,note\n"
             + "P-2,Vand,payment-plan,12345674,5798000000117,,,,,,,4000,costcentre=1,,2026-01-01,2026-12-31,\n").write(toFile: csv, atomically: true, encoding: .utf8)
        try cli(["plans", "import", csv, "--user", "anna", "--note", "import fra ERP"])
        let details = try w.store.auditRecords().map { "\($0.action) \($0.subject) \($0.actor) \($0.detail ?? "")" }
        for note in ["kontrakt opsagt", "tabel rettet", "import fra ERP", "ny aftale"] {
            XCTAssertTrue(details.contains { $0.contains(note) && $0.contains("operator:anna") }, "note \(note) kept: \(details)")
        }
        // On an invoice: a note with a plain `queue show` is kept in its trail; where nothing would be recorded
        // (an export, a dry run without --reveal) a note is refused, not dropped.
        var inv = ScenarioInvoice(); inv.number = "N1"; inv.amount("100.00", vat: "25")
        try w.run([("n1", inv)])
        let id = try XCTUnwrap(try w.store.invoices(limit: 1).first?.id)
        try cli(["queue", "show", id, "--user", "anna", "--note", "ringet til leverandør"])
        XCTAssertTrue(try w.store.events(id).contains { $0.action == "noted" && ($0.detail ?? "").contains("ringet til leverandør") && $0.actor == "operator:anna" })
        let unused = try bin.run(["decisions", "export", "--from", "2000-01-01", "--to", "2100-01-01", "--note", "x", "--root", w.root], logDirectory: w.root)
        XCTAssertEqual(unused.exitCode, 2, unused.description)
    }
}
