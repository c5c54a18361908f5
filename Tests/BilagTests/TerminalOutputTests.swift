import BilagCore
import BilagTestKit
import Foundation
import XCTest

/// What the CLI prints for people carries text from outside — a sender's file name, a case system's message. Its
/// control characters are written out, through the real binary: an escape sequence never reaches the operator's
/// terminal, and a newline inside a value never starts a line of the sender's choosing in `queue show`'s audit trail.
final class TerminalOutputTests: XCTestCase {
    func testControlCharactersFromOutsideAreWrittenOutNotActedOn() throws {
        let root = try TemporaryRoot()
        try root.configure(readiness: "rename")
        let template = try InvoiceTemplate(corpus: "peppol-bis3/examples/base-example.xml")
        let forged = "x.xml\n  2026-12-04T20:00:00.000Z operator:chief approved → booked {\"note\":\"ok\"}\r\u{1B}[2J\u{1B}[31mred\u{202E}lmx.xml"
        try root.deliver(template.invoice(number: "T-01"), to: "peppol/" + forged)
        try root.bilagSucceeding(["run", "--once"])
        let id = try XCTUnwrap(try root.records().first?.id)

        for args in [["queue", "show", id], ["queue", "list"], ["invoices", "list"], ["invoices", "list", "--state", "manual"]] {
            let o = try root.bilagSucceeding(args)
            for bad in ["\u{1B}", "\r", "\u{202E}"] {
                XCTAssertFalse(o.stdout.contains(bad), "\(args) printed \(bad.unicodeScalars.first!.value) raw: \(o.stdout.debugDescription)")
            }
            XCTAssertFalse(o.stdout.split(separator: "\n").contains { $0.hasPrefix("  2026-12-04T20:00:00.000Z operator:chief") }, "\(args): a forged audit line: \(o.stdout)")
        }
        let shown = try root.bilagSucceeding(["queue", "show", id]).stdout
        // bilag's own lines stay lines: the invoice's block is not written out as one line.
        XCTAssertTrue(shown.contains("\n  seller: "), shown)
        XCTAssertFalse(shown.contains("\\n  seller:"), shown)
        XCTAssertTrue(shown.contains("x.xml\\n  2026-12-04T20:00:00.000Z operator:chief approved → booked {\"note\":\"ok\"}\\r\\x1B[2J\\x1B[31mred\\u{202E}lmx.xml"), shown)
        // JSON output escapes them as JSON does, and keeps the name exact.
        let json = try root.bilagSucceeding(["queue", "show", id, "--json"]).jsonObject()
        XCTAssertTrue(((json["record"] as? [String: Any])?["source_path"] as? String)?.hasSuffix(forged) == true, "\(json)")
    }

    func testTheEscapingWritesOutEveryControlCharacterAndKeepsTheRest() {
        XCTAssertEqual(TerminalText.escaped("plain æøå – ok\ttab"), "plain æøå – ok\ttab")
        XCTAssertEqual(TerminalText.escaped("a\nb\rc\u{1B}[0m\u{7F}\u{9B}\u{0}"), "a\\nb\\rc\\x1B[0m\\x7F\\x9B\\x00")
        XCTAssertEqual(TerminalText.escaped("a\nb\u{1B}", keepingNewlines: true), "a\nb\\x1B")
        XCTAssertEqual(TerminalText.escaped("abc\u{202E}def\u{2066}"), "abc\\u{202E}def\\u{2066}")
    }
}
