import BilagCore
import Foundation
import XCTest

/// `JSONString` writes string literals byte for byte as bilag's `JSONEncoder` does (the stored traces and journal lines
/// depend on it), reading eight bytes at a time: every position of a quote, backslash or control character within and
/// across the words must be found.
final class JSONStringTests: XCTestCase {
    let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    func encoded(_ s: String) throws -> String { String(decoding: try encoder.encode(s), as: UTF8.self) }

    func testEveryPositionOfAnEscapeOrControlCharacterIsFound() throws {
        let fillers = ["", "a", "abcdefg", "abcdefgh", "æøå", "CPR 010203-1234 — Lægeerklæring", String(repeating: "x", count: 37)]
        let specials = ["\"", "\\", "\u{1F}", "\n", "\u{0}", "/", "\u{7F}", "ø", "€"]
        var checked = 0
        for before in fillers {
            for after in fillers {
                for pad in 0..<9 {
                    for special in specials {
                        let text = before + String(repeating: "p", count: pad) + special + after
                        let mine = JSONString.literal(text)
                        if special.unicodeScalars.first!.value < 0x20 {
                            XCTAssertNil(mine, "a control character must refuse \(text.debugDescription)")
                        } else {
                            XCTAssertEqual(mine, try encoded(text), "\(text.debugDescription)")
                        }
                        checked += 1
                    }
                }
                XCTAssertEqual(JSONString.literal(before + after), try encoded(before + after))
            }
        }
        XCTAssertGreaterThan(checked, 3000)
    }

    func testSeveralEscapesInOneTextAndARefusalLeavesTheOutputAsItWas() throws {
        let text = "cpr = \"110343-1074\"; path = \"C:\\\\bilag\\\\in\"; \"\"\"\\\\ end"
        XCTAssertEqual(JSONString.literal(text), try encoded(text))
        var out = Array("[".utf8)
        XCTAssertFalse(JSONString.append("a long text, then a tab\there", to: &out))
        XCTAssertEqual(out, Array("[".utf8))
        XCTAssertTrue(JSONString.append("ok \"quoted\"", to: &out))
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "[" + (try encoded("ok \"quoted\"")))
    }
}
