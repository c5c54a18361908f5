import BilagCore
import BilagStore
import BilagTestKit
import Foundation
import XCTest

/// Norwegian fødselsnummer, D- and H-numbers, and CPR numbers written in groups, are masked wherever CPR numbers
/// are; organisation identifiers (by scheme or field) are not.
final class NorwegianIdMaskingTests: XCTestCase {
    static let fodselsnummer = "15038512363"   // 15.03.1985, check digits 6 and 3
    static let dNumber = "55038512357"         // the same date as a D-number (40 added to the day)
    static let hNumber = "15438512346"         // an H-number (40 added to the month)

    func testFodselsnummerDAndHNumbersAreMasked() {
        XCTAssertEqual(PersonalData.mask(Self.fodselsnummer), "150385XXXXX")
        XCTAssertEqual(PersonalData.mask("fnr \(Self.dNumber)."), "fnr 550385XXXXX.")
        XCTAssertEqual(PersonalData.mask("H \(Self.hNumber)"), "H 154385XXXXX")
        XCTAssertEqual(PersonalData.mask("150385 12363"), "150385 XXXXX")
        // Wrong check digits, an impossible date, more digits: no fødselsnummer.
        for text in ["15038512364", "15038512373", "32038512363", "150385123634", "01019012345", "12345678901"] {
            XCTAssertEqual(PersonalData.mask(text), text, text)
        }
    }

    func testCPRNumbersWrittenInGroupsAreMasked() {
        XCTAssertEqual(PersonalData.mask("faktura 010170 1234.xml"), "faktura 010170 XXXX.xml")
        XCTAssertEqual(PersonalData.mask("faktura 0101 70 1234.xml"), "faktura 0101 70 XXXX.xml")
        XCTAssertEqual(PersonalData.mask("borger_010170_1234"), "borger_010170_XXXX")
        XCTAssertEqual(PersonalData.mask("0101-70-1234"), "0101-70-XXXX")
        // Day, month and year apart, as dates are written: dashes, dots or spaces.
        XCTAssertEqual(PersonalData.mask("Borger 01-01-70-1234"), "Borger 01-01-70-XXXX")
        XCTAssertEqual(PersonalData.mask("Borger 01.01.70-1234."), "Borger 01.01.70-XXXX.")
        XCTAssertEqual(PersonalData.mask("cpr 01 01 70 1234"), "cpr 01 01 70 XXXX")
        let f = Array(Self.fodselsnummer)
        XCTAssertEqual(PersonalData.mask("fnr \(String(f[0..<2])).\(String(f[2..<4])).\(String(f[4..<6])) \(String(f[6...]))"),
                       "fnr \(String(f[0..<2])).\(String(f[2..<4])).\(String(f[4..<6])) XXXXX")
        // Dates, amounts, phone numbers and claim ids stay.
        for text in ["2026-12-03 16:29:00", "1 656,25 kr", "+45 1234 5678", "20261203-162900-123456-p1a2b", "01.01.1990 1234", "3213 45 6789", "010170.1234", "0101.70.1234", "12.12.12.12.1234", "v1.02.03.1234"] {
            XCTAssertEqual(PersonalData.mask(text), text, text)
        }
    }

    func testOrganisationIdentifiersAreNotMasked() {
        // A Danish P-number (scheme 0096) has ten digits and a date-like start: an organisation, kept.
        XCTAssertEqual(PersonalData.mask("endpoint 0096:1003388394"), "endpoint 0096:1003388394")
        XCTAssertEqual(PersonalData.mask("DK:P:1003388394"), "DK:P:1003388394")
        // The same digits in free text or under a personal scheme are masked.
        XCTAssertEqual(PersonalData.mask("ref 1003388394"), "ref 100338-XXXX")
        XCTAssertEqual(PersonalData.mask("DK:CPR:1003388394"), "DK:CPR:100338-XXXX")
        let json = #"{"electronicAddress":{"scheme":"0096","value":"1003388394"},"note":"CPR 1003388394","buyer":{"scheme":"0192","value":"\#(Self.fodselsnummer)"},"person":{"scheme":"DK:CPR","value":"1003388394"},"seller_cvr":"1003388394"}"#
        let masked = PersonalData.maskJSON(json)
        XCTAssertTrue(masked.contains(#""scheme":"0096","value":"1003388394""#), masked)
        XCTAssertTrue(masked.contains(#""note":"CPR 100338-XXXX""#), masked)
        XCTAssertTrue(masked.contains(#""scheme":"0192","value":"\#(Self.fodselsnummer)""#), "an organisation scheme's value is kept: \(masked)")
        XCTAssertTrue(masked.contains(#""scheme":"DK:CPR","value":"100338-XXXX""#), masked)
        XCTAssertTrue(masked.contains(#""seller_cvr":"1003388394""#), masked)
    }

    /// A hash or an idempotency key (long lowercase hex) whose digits happen to read as a CPR number is shown whole
    /// (`queue show` masked one key in twenty, so KEY and its re-run's KEY-2 could not be told apart); a CPR number
    /// next to a few letters is still masked.
    func testHashesWhoseDigitsReadAsACPRNumberAreShownWhole() {
        for key in ["3b0a8a30a18b55eae3d1010711234d06", "3b0a8a30a18b55eae3d1010711234d06-2", "0101701234" + String(repeating: "ab", count: 27)] {
            XCTAssertEqual(PersonalData.mask("key \(key), 1 attempt"), "key \(key), 1 attempt")
        }
        XCTAssertEqual(PersonalData.maskJSON(#"{"idempotency_key":"3b0a8a30a18b55eae3d1010711234d06"}"#), #"{"idempotency_key":"3b0a8a30a18b55eae3d1010711234d06"}"#)
        for text in ["cpr0101701234", "abc0101701234def", "deadbeef0101701234", "CPR 0101701234", "ABCDEF0101701234ABCDEF0101"] {
            XCTAssertNotEqual(PersonalData.mask(text), text, text)
        }
    }

    /// Masking runs on every log line: text without ten digits in a row is handed back untouched, however often.
    /// (What masking costs is part of the figures `bilag bench` prints; a unit test does not time it.)
    func testMaskingKeepsItsFastPath() {
        let plain = "queued for manual handling: no-robot 1656.25 DKK"
        XCTAssertEqual(PersonalData.mask(plain), plain)
        let line = #"{"ts":"2026-12-03T16:29:00.123Z","level":"info","invoice":"20261203-162900-123456-p1a2b","state":"manual"}"#
        for _ in 0..<1_000 { XCTAssertEqual(PersonalData.mask(line), line) }
    }

    /// Through the real binary: a fødselsnummer in a note and a reference, and a CPR with spaces in a file name, reach
    /// neither the daemon's log nor `queue show` / `queue list` / `invoices list`.
    func testNorwegianIdsAndSpacedCPRNumbersNeverReachLogsOrTheCLI() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename", more: "log:\n  level: trace\n")
        let base = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        try root.deliver(base.withNumber("NO-1").withNote("Gjelder fødselsnummer \(Self.fodselsnummer) og D-nummer \(Self.dNumber)").withBuyerReference(Self.hNumber).data, to: "peppol/no-1.xml")
        try root.deliver(base.withNumber("DK-1").data, to: "peppol/faktura 010170 1234.xml")
        try root.deliver(base.withNumber("DK-2").data, to: "peppol/faktura 0101 70 1234.xml")
        try root.deliver(base.withNumber("DK-3").withNote("Borger 01.01.70-1234 og 01-01-70-1234").data, to: "peppol/dk-3.xml")
        try root.deliver(Data("<Invoice><broken \(Self.fodselsnummer)".utf8), to: "peppol/broken 010170 1234.xml")
        let run = try root.bilagSucceeding(["run", "--once"], environment: ["BILAG_LOG_LEVEL": "trace"])
        var outputs = [run.stdout + run.stderr]
        for r in try root.records() {
            outputs.append(try root.bilagSucceeding(["queue", "show", r.id]).stdout)
            outputs.append(try root.bilagSucceeding(["queue", "show", r.id, "--json"]).stdout)
        }
        outputs.append(try root.bilagSucceeding(["queue", "list"]).stdout)
        outputs.append(try root.bilagSucceeding(["queue", "list", "--quarantined", "--json"]).stdout)
        outputs.append(try root.bilagSucceeding(["invoices", "list", "--json"]).stdout)
        let needles = [Self.fodselsnummer, Self.dNumber, Self.hNumber, "010170 1234", "0101 70 1234", "38512363", "8512357", "01.01.70-1234", "01-01-70-1234"]
        for (i, text) in outputs.enumerated() {
            for n in needles where text.contains(n) { XCTFail("output \(i) shows \(n):\n\(text.prefix(3000))") }
        }
        XCTAssertTrue(outputs.joined().contains("150385XXXXX"), "the masked form is shown")
        // Opened with a purpose, the numbers are there.
        let no1 = try XCTUnwrap(try root.records().first { $0.sourcePath == "peppol/no-1.xml" })
        let open = try root.bilagSucceeding(["queue", "show", no1.id, "--reveal", "--purpose", "klage", "--user", "anna"])
        XCTAssertTrue(open.stdout.contains(Self.fodselsnummer), open.stdout)
    }
}
