import BilagCore
import BilagRobotLanguage
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

    /// Texts appended one after another to one growing output (as a trace is written) read as the encoder's literals
    /// one after another, whatever the text's make: small or long, a slice's copy, an NSString's, non-ASCII; a refused
    /// text (a control character) leaves the output as it was.
    func testManyTextsAppendedToOneOutputAreTheEncodersLiteralsInARow() throws {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["a", "cpr = \"", "\\", "æøå", "€", " ", "LH-2026-1001", "\"", "x", "\t", "😇", String(repeating: "y", count: 23)]
        var out = Array("[".utf8), expected = "["
        var refused = 0, escaped = 0
        for i in 0..<3000 {
            var text = (0..<Int.random(in: 0...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            switch i % 3 {
            case 1: text = String(("<" + text + ">").dropFirst().dropLast())
            case 2: text = String(NSString(string: text))
            default: break
            }
            let before = out
            if JSONString.append(text, to: &out) {
                expected += try encoded(text)
                if text.contains("\"") || text.contains("\\") { escaped += 1 }
            } else {
                XCTAssertTrue(text.contains("\t"), text.debugDescription)
                XCTAssertEqual(out, before)
                refused += 1
            }
        }
        XCTAssertEqual(String(decoding: out, as: UTF8.self), expected)
        XCTAssertGreaterThan(refused, 100)
        XCTAssertGreaterThan(escaped, 100)
    }

    /// Numbers are written as `String(n)` writes them, without making the string.
    func testNumbersAreWrittenAsStringWritesThem() {
        var values = [0, 1, 9, 10, 99, 100, 40725, -1, -10, -40725, Int.max, Int.min, Int(Int32.max), 9_007_199_254_740_993]
        for p in 0..<19 { let x = Int(pow(10.0, Double(p))); values += [x - 1, x, x + 1, -x] }
        for n in values {
            var out = Array("x".utf8)
            JSONString.append(n, to: &out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), "x" + String(n))
        }
    }
}

/// Identifiers are read as typed: spaces and a country prefix in any case are dropped, by the bytes where the text is
/// plain ASCII and by characters otherwise, with the same result.
final class IdentifierStripTests: XCTestCase {
    func testCVRNumbersAsTypedAreReadAlike() {
        for (text, valid) in [("12345607", true), ("DK12345607", true), ("dk 1234 5607", true), ("Dk\t12345607", true), (" DK 12 34 56 07 ", true), ("D K12345607", true),
                              ("DK", false), ("D", false), ("", false), ("DE12345607", false), ("12345608", false), ("DK-12345607", false),
                              ("DK\u{00A0}12345607", true), ("ＤＫ12345607", false), ("12345607\n", true)] {
            XCTAssertEqual(Identifiers.isValidCVR(text), valid, text.debugDescription)
        }
        XCTAssertTrue(Identifiers.isValidNorwegianOrgNumber("no 974 760 673 mva"))
        XCTAssertTrue(Identifiers.isValidNorwegianOrgNumber("NO974760673MVA"))
    }

}

/// A value as a trace shows it: lists and records written into one string, records by sorted field name.
final class ValueDescriptionTests: XCTestCase {
    func testValuesAreShownAsWritten() throws {
        let d = try XCTUnwrap(LocalDate(parsing: "2026-10-01"))
        let v = Value.record(["b": .list([.string("x \"y\""), .null, .number(Amount(parsing: "1.50")!)]), "a": .record(["z": .bool(true), "d": .date(d)]), "c": .list([])])
        XCTAssertEqual(v.description, #"{a: {d: 2026-10-01, z: true}, b: ["x \"y\"", null, 1.50], c: []}"#)
        XCTAssertEqual(Value.list([.record([:]), .string("é\n")]).description, #"[{}, "é\n"]"#)
    }

    /// A record's fields in key order (as `<` orders texts: capitals before small letters, `å` after `z`), each text
    /// quoted as on its own, plain or with escapes.
    func testARecordsFieldsAreInKeyOrderWithTheirTextsQuotedAsAlone() {
        let texts = ["plain", "", "a\\b", "say \"hi\"", "two\nlines", "tab\there", "æøå 2505472488"]
        var fields: [String: Value] = [:]
        for (i, key) in ["å", "z", "Z", "a", "b1", "b", "_"].enumerated() { fields[key] = .string(texts[i]) }
        let expected = ["Z", "_", "a", "b", "b1", "z", "å"].map { "\($0): \(Value.string(texts[["å", "z", "Z", "a", "b1", "b", "_"].firstIndex(of: $0)!]).description)" }
        XCTAssertEqual(Value.record(fields).description, "{" + expected.joined(separator: ", ") + "}")
        XCTAssertEqual(Value.record(["b": .string("x"), "a": .list([.string("y\"z"), .string("w")])]).description, #"{a: ["y\"z", "w"], b: "x"}"#)
    }
}
