import BilagCore
@testable import BilagEngine
import Foundation
import XCTest

/// The fast text helpers on the hot path must give exactly what their plain Foundation versions give.
final class TextHelperTests: XCTestCase {
    static let samples = ["", " ", "abc", " abc", "abc ", "\tabc\n", "\u{00A0}abc\u{00A0}", "æble", " æble ", "a b", "\r\n", "\u{2003}x", "x\u{3000}", "~", "12345678"]

    func testTrimmingWhitespaceEqualsFoundation() {
        for s in Self.samples {
            XCTAssertEqual(s.trimmingWhitespace(), s.trimmingCharacters(in: .whitespacesAndNewlines), "\(s.debugDescription)")
            XCTAssertEqual(s.trimmingWhitespace(includingNewlines: false), s.trimmingCharacters(in: .whitespaces), "\(s.debugDescription)")
        }
    }

    func testNormalizedPartyKeyDropsSpacesCountryPrefixAndMVA() {
        XCTAssertEqual(Identifiers.normalizedPartyKey(" dk 1234 5678 "), "12345678")
        XCTAssertEqual(Identifiers.normalizedPartyKey("no987654321mva"), "987654321")
        XCTAssertEqual(Identifiers.normalizedPartyKey("NO 987 654 321 MVA"), "987654321")
        XCTAssertEqual(Identifiers.normalizedPartyKey("DKK1"), "DKK1")
        XCTAssertEqual(Identifiers.normalizedPartyKey("5790000000001"), "5790000000001")
        XCTAssertEqual(Identifiers.normalizedPartyKey("æble\u{00A0}12"), "ÆBLE12")
    }

    func testLogEscapingLeavesPlainTextAloneAndEscapesTheRest() {
        XCTAssertEqual(JSONLogHandler.escape("booked 20261123-101010-000001-p0001"), "booked 20261123-101010-000001-p0001")
        XCTAssertEqual(JSONLogHandler.escape("a \"quoted\" \\ path\nnext\tcol\u{01}"), "a \\\"quoted\\\" \\\\ path\\nnext\\tcol\\u0001")
        XCTAssertEqual(JSONLogHandler.escape("æøå"), "æøå")
    }
}
