import BilagCore
import BilagIntake
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// CPR numbers in invoices (in the supplier's identifiers, a note, the buyer reference, the file name, a quarantined
/// file) never reach the daemon's log or the operators' lists; opening an invoice with `--reveal` shows them and is audited.
final class PersonalDataTests: XCTestCase {
    /// Every spelling of the CPR numbers the test invoices carry that must never be shown.
    static let cprForms = ["0101901234", "010190-1234", "1111111118", "111111-1118", "2512894321", "251289-4321"]

    func leaks(in text: String) -> [String] { Self.cprForms.filter { text.contains($0) } }

    func testCPRNumbersNeverReachLogsOrListsButRevealShowsThemAndIsAudited() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 25, more: "log:\n  level: trace\n")
        let base = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        // 1. The corpus's OIOUBL invoice from a sole trader identified by CPR (endpoint, party id and tax scheme).
        try root.deliver(try Corpus.data("oioubl/parse/cpr-supplier.xml"), to: "oioubl/cpr-supplier.xml")
        // 2. A CPR in a note and as the buyer reference, and in the file name.
        try root.deliver(base.withNumber("CPR-NOTE").withNote("Vedr. borger CPR 010190-1234, se sag").withBuyerReference("0101901234").data,
                         to: "peppol/faktura-0101901234.xml")
        // 3. A supplier whose electronic address is a CPR (scheme DK:CPR), sent twice: the duplicate's reason names the supplier.
        let cprSeller = base.withSellerEndpoint("2512894321", scheme: "DK:CPR")
        try root.deliver(cprSeller.withNumber("CPR-SELLER").data, to: "peppol/seller-a.xml")
        try root.deliver(cprSeller.withNumber("CPR-SELLER").withNote("rykker").data, to: "peppol/seller-b.xml")
        // 4. Quarantined files: a broken one holding a CPR, named by one, and a foreign document whose root names one.
        try root.deliver(Data("<Invoice><cbc:Note>CPR 0101901234</cbc:Note>".utf8), to: "peppol/cpr-010190-1234.xml")
        try root.deliver(Data("<?xml version=\"1.0\"?><Borger xmlns=\"urn:cpr:0101901234\"><CPR>0101901234</CPR></Borger>".utf8), to: "peppol/person.xml")

        let daemon = try root.startDaemon()
        defer { daemon.kill() }
        XCTAssertTrue(try poll(timeout: 30) {
            guard root.inboxFiles().isEmpty, FileManager.default.fileExists(atPath: root.databasePath) else { return false }
            let all = try root.records()
            return all.count == 6 && !all.contains { $0.state == .received }
        }, "not all 6 files processed: \(daemon.stderrText().suffix(2000))")
        let records = try root.records()
        let bySource = Dictionary(uniqueKeysWithValues: records.map { ($0.sourcePath, $0) })
        let noteInvoice = try XCTUnwrap(bySource["peppol/faktura-0101901234.xml"])
        let sellerB = try XCTUnwrap(bySource["peppol/seller-b.xml"])
        let cprSupplier = try XCTUnwrap(bySource["oioubl/cpr-supplier.xml"])
        let broken = try XCTUnwrap(bySource["peppol/cpr-010190-1234.xml"])
        let person = try XCTUnwrap(bySource["peppol/person.xml"])
        XCTAssertEqual(broken.state, .quarantined)
        XCTAssertEqual(person.state, .quarantined)
        XCTAssertEqual(person.reasonCode, "not-an-invoice")
        XCTAssertEqual(sellerB.reasonCode, "duplicate-invoice")
        XCTAssertTrue((sellerB.reasonMessage ?? "").contains("2512894321") || (person.reasonMessage ?? "").contains("0101901234"),
                      "the test must put a CPR into a reason message, or it proves nothing about masking them")

        // Operators at work, with CPR numbers in their notes too.
        var cli: [ProcessOutcome] = []
        cli.append(try root.bilagSucceeding(["queue", "approve", noteInvoice.id, "--account", "5250", "--dim", "costcentre=4711", "--user", "alice", "--note", "borger 0101901234 bekræftet"]))
        cli.append(try root.bilagSucceeding(["queue", "correct", cprSupplier.id, "--account", "6000", "--dim", "costcentre=4711", "--user", "bob", "--note", "CPR 111111-1118"]))
        cli.append(try root.bilagSucceeding(["queue", "approve", cprSupplier.id, "--user", "carol"]))
        cli.append(try root.bilagSucceeding(["queue", "retry", broken.id, "--user", "dave"]))
        cli.append(try root.bilagSucceeding(["queue", "reject", person.id, "--code", "other-entity", "--note", "sendt til borger 010190-1234", "--user", "dave"]))
        cli.append(try root.bilagSucceeding(["queue", "reject", sellerB.id, "--code", "duplicate", "--user", "erin"]))
        // Everything an operator lists or shows without opening.
        cli.append(try root.bilagSucceeding(["queue", "list"]))
        cli.append(try root.bilagSucceeding(["queue", "list", "--json"]))
        cli.append(try root.bilagSucceeding(["queue", "list", "--quarantined"]))
        cli.append(try root.bilagSucceeding(["queue", "list", "--quarantined", "--json"]))
        cli.append(try root.bilagSucceeding(["status"]))
        cli.append(try root.bilagSucceeding(["status", "--json"]))
        for r in records {
            cli.append(try root.bilagSucceeding(["queue", "show", r.id, "--user", "viewer"]))
            cli.append(try root.bilagSucceeding(["queue", "show", r.id, "--json", "--user", "viewer"]))
        }

        // While the daemon still runs, a new file named by a CPR arrives and is processed.
        try root.deliver(base.withNumber("CPR-LATE").data, to: "peppol/late-251289-4321.xml")
        XCTAssertTrue(try poll(timeout: 20) { try root.records().contains { $0.sourcePath == "peppol/late-251289-4321.xml" && $0.state != .received } })
        daemon.terminate()
        let end = try XCTUnwrap(daemon.wait(timeout: 20))
        XCTAssertEqual(end.exitCode, 0, "\(end)")

        // No CPR in the daemon's log (stdout, stderr) nor in anything the CLI printed without --reveal.
        XCTAssertGreaterThan(end.stderr.count, 0)
        XCTAssertEqual(leaks(in: end.stdout + end.stderr), [], "CPR in the daemon's log:\n\(end.stderr.suffix(3000))")
        for o in cli {
            XCTAssertEqual(leaks(in: o.stdout + o.stderr), [], "CPR shown by \(o.command):\n\(o.stdout.prefix(3000))")
        }
        // The masked form is what operators see: the birth date part, then XXXX.
        XCTAssertTrue(cli.contains { $0.stdout.contains("010190-XXXX") }, "masked CPRs should be visible as 010190-XXXX")

        // Opening with --reveal shows the numbers, and each opening is audited with who.
        let opensBefore = try root.store().events(noteInvoice.id).filter { $0.action == "opened" }.count
        XCTAssertEqual(opensBefore, 0, "showing without --reveal must not count as opening")
        let revealed = try root.bilagSucceeding(["queue", "show", noteInvoice.id, "--reveal", "--purpose", "klage 2026-118", "--user", "auditor"])
        XCTAssertTrue(revealed.stdout.contains("010190-1234") || revealed.stdout.contains("0101901234"), "reveal shows the CPR:\n\(revealed.stdout.prefix(2000))")
        XCTAssertTrue(revealed.stdout.contains("faktura-0101901234.xml"), "reveal shows the file name as received")
        let revealedJSON = try root.bilagSucceeding(["queue", "show", cprSupplier.id, "--reveal", "--purpose", "klage 2026-118", "--json", "--user", "auditor"])
        XCTAssertTrue(revealedJSON.stdout.contains("1111111118"), "reveal --json shows the supplier's CPR")
        for id in [noteInvoice.id, cprSupplier.id] {
            let opened = try root.store().events(id).filter { $0.action == "opened" }
            XCTAssertEqual(opened.count, 1, "each --reveal is one audited opening")
            XCTAssertEqual(opened.first?.actor, "operator:auditor")
            XCTAssertNotNil(opened.first.flatMap { Timestamp.date($0.at) })
        }
        // The opening appears in the (masked) audit trail operators read.
        let trail = try root.bilagSucceeding(["queue", "show", noteInvoice.id, "--json", "--user", "viewer"]).jsonObject()
        XCTAssertTrue((trail["events"] as? [[String: Any]] ?? []).contains { $0["action"] as? String == "opened" && $0["actor"] as? String == "operator:auditor" })
    }

    /// A sole trader's name holding a CPR, long enough that list tables cut it: the cut must not expose the digits.
    func testListTablesNeverShowPartOfACPRWhenTheyCutALongName() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        // The CPR starts at character 50: a cell cut to 59 characters + "…" keeps 9 of its 10 digits, no longer CPR-shaped.
        let lead = "Tømrermester Søren Hansen, enkeltmandsfirma, CPR: "
        XCTAssertEqual(lead.count, 50)
        let name = lead + "0101901234 afd. Nord" // 70 characters: the cell is cut inside the number
        let invoice = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
            .replacingFirst("SupplierOfficialName Ltd", with: name).withNumber("CPR-NAME")
        try root.deliver(invoice.data, to: "peppol/sole-trader.xml")
        try root.bilagSucceeding(["run", "--once"])
        let record = try XCTUnwrap(try root.records().first)
        XCTAssertEqual(record.sellerName, name, "the test needs the name as the supplier shown in lists")

        var outputs = [try root.bilag(["queue", "list"])]
        outputs.append(try root.bilag(["invoices", "list"]))
        for o in outputs {
            XCTAssertEqual(o.exitCode, 0, "\(o)")
            for partial in ["0101901234", "010190123", "01019012", "0101901"] where o.stdout.contains(partial) {
                XCTFail("`\(o.command.split(separator: " ").dropFirst().prefix(2).joined(separator: " "))` shows \(partial.count) digits of the CPR (the cell is cut before masking):\n\(o.stdout)")
                break
            }
        }
    }

    /// `bilag invoices list`, text and JSON, masks CPRs like the queue list does.
    func testInvoicesListNeverShowsACPR() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        try root.deliver(try Corpus.data("oioubl/parse/cpr-supplier.xml"), to: "oioubl/cpr-supplier-1111111118.xml")
        try root.bilagSucceeding(["run", "--once"])
        for args in [["invoices", "list"], ["invoices", "list", "--json"]] {
            let o = try root.bilag(args)
            XCTAssertEqual(o.exitCode, 0, "`bilag \(args.joined(separator: " "))` does not run: \(o.stderr.prefix(300))")
            XCTAssertEqual(leaks(in: o.stdout + o.stderr), [], o.stdout)
        }
    }

    /// CPR numbers written with a word processor's dash or space, a tab, a slash, full-width digits or percent-encoded,
    /// and a supplier identified under PEPPOL's scheme 9901 (DK:CPR): none reaches the daemon's log, the lists, `queue
    /// show` or `inspect` unmasked.
    func testCPRNumbersWrittenOtherwiseAreMaskedToo() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", pollIntervalMs: 25, more: "log:\n  level: trace\n")
        let base = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        let note = "Borgere: " + Self.otherSpellings.map(\.written).joined(separator: "; ")
        let invoice = base.withNumber("CPR-SPELLINGS").withNote(note).withSellerEndpoint("2708061026", scheme: "9901")
        try root.deliver(invoice.data, to: "peppol/spellings.xml")
        let run = try root.bilagSucceeding(["run", "--once"])
        let id = try XCTUnwrap(try root.records().first?.id)
        var shown: [ProcessOutcome] = [run]
        shown.append(try root.bilagSucceeding(["queue", "list"]))
        shown.append(try root.bilagSucceeding(["queue", "list", "--json"]))
        shown.append(try root.bilagSucceeding(["queue", "show", id, "--user", "viewer"]))
        shown.append(try root.bilagSucceeding(["queue", "show", id, "--json", "--user", "viewer"]))
        shown.append(try root.bilag(["inspect", root.path + "/" + "var/" + (try root.records().first?.storedPath ?? "")]))
        XCTAssertTrue(shown.contains { $0.stdout.contains("XXXX") }, "the test shows none of the numbers")
        let raw = Self.otherSpellings.map(\.written).map { $0.replacingOccurrences(of: "9901:", with: "") }
        for o in shown {
            for written in raw { XCTAssertFalse((o.stdout + o.stderr).contains(written), "\(written) shown by \(o.command)") }
        }
        let revealed = try root.bilagSucceeding(["queue", "show", id, "--reveal", "--purpose", "test", "--user", "auditor"])
        XCTAssertTrue(revealed.stdout.contains("070786\u{2013}1006"), "reveal shows them as written")
    }

    // MARK: PersonalData.maskCPR, unit level

    func testMaskCPRMasksRealDateCPRShapesWithAndWithoutDash() {
        XCTAssertEqual(PersonalData.maskCPR("0101901234"), "010190-XXXX")
        XCTAssertEqual(PersonalData.maskCPR("010190-1234"), "010190-XXXX")
        XCTAssertEqual(PersonalData.maskCPR("CPR: 0101901234."), "CPR: 010190-XXXX.")
        XCTAssertEqual(PersonalData.maskCPR("DK:CPR:1111111118"), "DK:CPR:111111-XXXX")
        XCTAssertEqual(PersonalData.maskCPR("faktura-0101901234.xml"), "faktura-010190-XXXX.xml")
        XCTAssertEqual(PersonalData.maskCPR("Kunde Søren 3112994321 æøå"), "Kunde Søren 311299-XXXX æøå")
        XCTAssertEqual(PersonalData.maskCPR("0101901234,0202901234 og 030390-1234"), "010190-XXXX,020290-XXXX og 030390-XXXX")
        XCTAssertEqual(PersonalData.maskCPR("{\"cpr\":\"0101901234\"}"), "{\"cpr\":\"010190-XXXX\"}")
        // 29 February exists in 2000 (7th digit 4, year 00 → 2000)…
        XCTAssertEqual(PersonalData.maskCPR("2902004234"), "290200-XXXX")
    }

    /// However the digits and the separator are typed: a word processor's en dash or no-break hyphen, a minus sign, a
    /// no-break or thin space, a tab, a slash, full-width digits (an Asian keyboard), percent-encoded in a URL; and a
    /// PEPPOL identifier under scheme 9901 (DK:CPR) is a person's.
    static let otherSpellings: [(written: String, masked: String)] = [
        ("070786\u{2013}1006", "070786\u{2013}XXXX"), ("080887\u{00A0}1007", "080887\u{00A0}XXXX"), ("131292\u{2011}1012", "131292\u{2011}XXXX"),
        ("121191\u{2212}1011", "121191\u{2212}XXXX"), ("140193\u{2009}1013", "140193\u{2009}XXXX"), ("150294\t1014", "150294\tXXXX"),
        ("050584/1004", "050584/XXXX"), ("\u{FF10}\u{FF13}\u{FF10}\u{FF13}\u{FF18}\u{FF12}\u{FF0D}\u{FF11}\u{FF10}\u{FF10}\u{FF12}", "\u{FF10}\u{FF13}\u{FF10}\u{FF13}\u{FF18}\u{FF12}\u{FF0D}XXXX"),
        ("020281%2D1001", "020281%2DXXXX"), ("120578%201122", "120578%20XXXX"), ("/citizens/120578%2d1122/referrals", "/citizens/120578%2dXXXX/referrals"),
        ("9901:2708061026", "9901:270806-XXXX"),
    ]

    func testMaskCPROtherWaysOfWritingItsDigitsAndSeparator() {
        for (written, masked) in Self.otherSpellings {
            XCTAssertEqual(PersonalData.maskCPR("Borger " + written + " æøå"), "Borger " + masked + " æøå", written)
            XCTAssertEqual(PersonalData.maskJSON("{\"note\":\"" + written + "\"}"), "{\"note\":\"" + masked + "\"}", written)
        }
        // Danish and Norwegian text with digits that are no CPR stays as it is, and so do other percent escapes.
        for text in ["Lægehuset Århus 2026-12-05 ordre 4711", "søknad 12345678901234", "100%20 rabat", "a%2Db 12.500,00 kr.", "\u{FF11}\u{FF12}\u{FF13}"] {
            XCTAssertEqual(PersonalData.maskCPR(text), text)
        }
    }

    func testMaskCPRLeavesNumbersThatAreNoCPRAlone() {
        let untouched = [
            "3213456789",        // day 32
            "1234567890",        // month 34
            "0013901234",        // day 0
            "3002901234",        // 30 February
            "2902001234",        // 29 February 1900 (7th digit 1 → 1900, no leap year)
            "321390-1234",       // dash, but day 32
            "01019012345",       // 11 digits
            "90101901234",       // a digit before it
            "0101901234567",     // 13 digits (GLN-like)
            "5790001968502",     // a real GLN
            "12345678", "DK12345678", // CVR
            "010190-12345",      // 5 digits after the dash
            "1656.25", "-1656.25", "8550", "1234567.89", "2500000.00", "12.500,00 DKK", "1325.00 EUR",
            "IBAN DK5000400440116243", "2017-11-13", "01.01.1990",
            "short 0101",
            "",
        ]
        for text in untouched { XCTAssertEqual(PersonalData.maskCPR(text), text, "\(text) is no CPR") }
    }
}

/// Claim ids are shown everywhere and must never be mistaken for (and masked as) a CPR number.
final class ClaimIDMaskingTests: XCTestCase {
    func testClaimIDsNeverLookLikeCPRNumbers() {
        let gen = ClaimIDGenerator()
        var date = Date(timeIntervalSince1970: 1_795_000_000)
        for _ in 0..<20_000 {
            let id = gen.next(now: date)
            XCTAssertEqual(PersonalData.maskCPR(id), id, id)
            date = date.addingTimeInterval(0.000_731)
        }
    }
}
